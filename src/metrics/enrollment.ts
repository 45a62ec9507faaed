/**
 * Journeys started and amounts enrolled, counted where journeys are started: a Temporal client
 * whose `workflow.start` of journeyWorkflow counts each start that succeeded (an "already
 * enrolled" start throws and counts nothing). The process that enrolls — `settle dev --demo`,
 * a long-running enrollment service — passes this client to enrollPortfolio.
 */
import type { Client } from '@temporalio/client';
import type { EnrollmentData, JourneyPlan } from '../ir/index.js';
import type { SettleMetrics } from './definitions.js';

const JOURNEY_WORKFLOW = 'journeyWorkflow';

interface StartInput {
  plan?: Pick<JourneyPlan, 'journey' | 'version'>;
  enrollment?: Pick<EnrollmentData, 'debt'>;
}

export function countEnrollments(client: Client, m: SettleMetrics): Client {
  const workflow = new Proxy(client.workflow, {
    get(target, prop, receiver) {
      if (prop !== 'start') return Reflect.get(target, prop, receiver) as unknown;
      const start: Client['workflow']['start'] = async (type, options) => {
        const handle = await target.start(type, options);
        const input = (options.args as unknown[] | undefined)?.[0] as StartInput | undefined;
        if (
          (type === JOURNEY_WORKFLOW || (typeof type === 'function' && type.name === JOURNEY_WORKFLOW)) &&
          input?.plan
        ) {
          m.journeysStarted.inc({ journey: input.plan.journey, version: String(input.plan.version) });
          const debt = input.enrollment?.debt;
          if (debt && debt.amountDue > 0) m.amountEnrolled.inc({ currency: debt.currency }, debt.amountDue);
        }
        return handle;
      };
      return start;
    },
  });
  return new Proxy(client, {
    get: (target, prop, receiver) =>
      prop === 'workflow' ? workflow : (Reflect.get(target, prop, receiver) as unknown),
  });
}
