/**
 * settle event DEBT_ID EVENT: inject an engagement event (support, testing) into
 * every running journey of the debt, or the one named. The event id is fresh per invocation
 * (`cli-<uuid>`): running the command twice means two events, while each journey still ignores
 * a repeat of the same id.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ENGAGEMENT_EVENTS, type EngagementEvent } from '../../ir/index.js';
import { engagementSignal } from '../../workflows/definitions.js';
import type { EngagementSignal } from '../../workflows/types.js';
import { CliError, EXIT, UsageError, type Io } from '../io.js';
import { journeyNames } from '../project.js';
import { parseCommand } from '../spec.js';
import { checkDebtId, configFrom, connect, findJourneys, isRunning, unavailable } from '../temporal.js';

interface Options {
  journey?: string;
  messageId?: string;
  dir: string;
}

export interface EventEnv {
  nowMs: number;
  vars?: Record<string, string | undefined>;
}

export async function event(argv: string[], io: Io, env: EventEnv): Promise<number> {
  const { args: positionals, opts: values } = parseCommand<Options>('event', argv);
  if (positionals.length !== 2) throw new UsageError('event takes a debt id and an event type');
  const [debtId, type] = positionals as [string, string];
  checkDebtId(debtId);
  if (!(ENGAGEMENT_EVENTS as readonly string[]).includes(type)) {
    throw new UsageError(`unknown event type "${type}" — one of ${ENGAGEMENT_EVENTS.join(', ')}`);
  }
  const names = journeyNames(io, values.journey, values.dir);
  const config = configFrom(env.vars);
  const { client, connection } = await connect(config);
  try {
    const running = (await findJourneys(client, debtId, names, values.journey !== undefined)).filter(isRunning);
    if (running.length === 0) {
      const where = values.journey !== undefined ? ` in journey ${values.journey}` : '';
      throw new CliError(`unknown debt or no running journey: nothing to signal for ${debtId}${where}`, EXIT.invalid);
    }
    const signal: EngagementSignal = {
      eventId: `cli-${randomUUID()}`,
      type: type as EngagementEvent,
      at: new Date(env.nowMs).toISOString(),
      ...(values.messageId !== undefined && { messageId: values.messageId }),
    };
    let signalled = 0;
    for (const j of running) {
      try {
        await client.workflow.getHandle(j.workflowId).signal(engagementSignal, signal);
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) {
          io.err(`${j.workflowId} ended meanwhile: not signalled\n`);
          continue;
        }
        throw unavailable(new Error(`cannot signal ${j.workflowId}: ${(e as Error).message}`));
      }
      signalled += 1;
      io.out(`${type} → ${j.workflowId}\n`);
    }
    return signalled > 0 ? EXIT.ok : EXIT.invalid;
  } finally {
    await connection.close();
  }
}
