import type { EngagementEvent, EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import type { LedgerBook } from '../../src/core/policy/index.js';
import type { VirtualActivityFailure } from '../../src/simulate/virtual-port.js';
import { ContinuedAsNew, VirtualPort } from '../../src/simulate/virtual-port.js';
import { runJourney } from '../../src/workflows/interpreter.js';
import type { ActivityName } from '../../src/workflows/port.js';
import { applyEvent, initialState } from '../../src/workflows/state.js';
import type { JourneyInput, JourneyResult, JourneyState } from '../../src/workflows/types.js';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const START = Date.parse('2026-11-23T09:00:00Z');

export interface Scripted {
  /** Journey time offset from the start. */
  after: number;
  type: EngagementEvent;
  /** Message of that step's latest send (default: none). */
  ofStep?: string;
  eventId?: string;
  /** The signal's data (a payment's amount, a plan's instalments). */
  data?: Record<string, string | number | boolean>;
}

export interface RunOptions {
  events?: Scripted[];
  fail?: Partial<Record<ActivityName, (input: { step?: string }) => VirtualActivityFailure | undefined>>;
  state?: JourneyState;
  /** Asked at each step boundary; true → the journey continues as new (and the harness resumes it). */
  suggestContinueAsNew?: () => boolean;
  start?: number;
  /** Contact ledgers shared with other runs (journeys of one debtor); a fresh book by default. */
  ledgers?: LedgerBook;
  /** Debtor key (names the ledger); default 'k'. */
  debtorKey?: string;
}

export interface RunResult {
  result: JourneyResult;
  state: JourneyState;
  port: VirtualPort;
  /** "at+offset step channel" lines of messages actually sent. */
  sends: { step: string; channel: string; day: number }[];
  continuedAsNew: number;
  /** Every activity the journey ran, with its input, in order. */
  calls: { name: ActivityName; input: unknown }[];
}

export async function runPlan(
  plan: JourneyPlan,
  enrollment: EnrollmentData,
  opts: RunOptions = {},
): Promise<RunResult> {
  const input: JourneyInput = { plan, enrollment, options: { debtorKey: opts.debtorKey ?? 'k', contactKeys: [] } };
  const start = opts.start ?? START;
  const holder = { state: opts.state ?? initialState(input, start) };
  const calls: { name: ActivityName; input: unknown }[] = [];
  const workflowId = `settle/${enrollment.debtId}/${plan.journey}`;
  const port = new VirtualPort(
    workflowId,
    start,
    (name, raw) => {
      calls.push({ name, input: raw });
      const input = raw as { step?: string; key?: string };
      const failure = opts.fail?.[name]?.(input);
      if (failure) throw failure;
      switch (name) {
        case 'sendEmail':
        case 'sendSms':
          return { messageId: input.key, locale: 'en' };
        case 'createPaymentLink':
          return { url: `https://pay.test/p/${input.key}` };
        case 'callWebhook':
          return { status: 200 };
        default:
          return undefined;
      }
    },
    opts.ledgers,
  );
  if (opts.suggestContinueAsNew) port.suggestContinueAsNew = opts.suggestContinueAsNew;
  for (const [i, e] of (opts.events ?? []).entries()) {
    port.at(start + e.after, () => {
      const state = holder.state;
      const messageId = e.ofStep ? [...state.sends].reverse().find((s) => s.step === e.ofStep)?.messageId : undefined;
      applyEvent(
        state,
        {
          eventId: e.eventId ?? `ev-${i}`,
          type: e.type,
          at: new Date(port.now()).toISOString(),
          ...(messageId && { messageId }),
          ...(e.data !== undefined && { data: e.data }),
        },
        port.now(),
        plan,
      );
    });
  }
  let result: JourneyResult;
  let continuedAsNew = 0;
  for (;;) {
    try {
      result = await runJourney(input, holder.state, port);
      break;
    } catch (e) {
      if (!(e instanceof ContinuedAsNew)) throw e;
      // A new run: only the state travels (like Temporal's continue-as-new input).
      holder.state = e.state;
      continuedAsNew++;
    }
  }
  const state = holder.state;
  const sends = state.sends
    .filter((s) => s.status === 'sent')
    .map((s) => ({ step: s.step, channel: s.channel, day: Math.round(((s.at - start) / DAY) * 100) / 100 }));
  return { result, state, port, sends, continuedAsNew, calls };
}
