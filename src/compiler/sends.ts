/**
 * Every message a journey can send, as authored: its send steps and the reminders of its
 * trackPlan steps and of its promises. Template checks, SMS opt-out checks and lowering all walk this one list.
 */
import type { Journey } from '../dsl/index.js';
import { PROMISE_STEP } from '../ir/plan.js';

export interface AuthoredSend {
  /** Index of the step in spec.steps. */
  index: number;
  stepId: string;
  channel: 'email' | 'sms';
  template: string;
  paymentLink: boolean;
  /** Path of the template field relative to the step. */
  templateField: string[];
  /** Path of the template field from the document, when it is not in a step (a promise's reminder). */
  at?: (string | number)[];
}

export function authoredSends(journey: Journey): AuthoredSend[] {
  const out: AuthoredSend[] = [];
  journey.spec.steps.forEach((s, index) => {
    if (s.type === 'send') {
      out.push({
        index,
        stepId: s.id,
        channel: s.channel,
        template: s.template,
        paymentLink: s.paymentLink ?? false,
        templateField: ['template'],
      });
    } else if (s.type === 'trackPlan' && s.remind !== undefined) {
      out.push({
        index,
        stepId: s.id,
        channel: s.remind.channel,
        template: s.remind.template,
        paymentLink: s.remind.paymentLink ?? true,
        templateField: ['remind', 'template'],
      });
    }
  });
  const remind = journey.spec.promises?.remind;
  if (remind !== undefined) {
    out.push({
      index: -1,
      stepId: PROMISE_STEP,
      channel: remind.channel,
      template: remind.template,
      paymentLink: remind.paymentLink ?? true,
      templateField: ['template'],
      at: ['spec', 'promises', 'remind', 'template'],
    });
  }
  return out;
}
