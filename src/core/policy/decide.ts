/**
 * The send decision: may this debt be contacted on this channel at this instant, and if not,
 * when or never? Rules (docs/reference.md#policy), in order:
 *   1. consent (recorded `false` always blocks; `required` needs a recorded `true`) → skip
 *   2. opt-out of the channel → skip
 *   3. time zone: the debtor's when valid, else the fallback, or skip when the policy says so
 *   4. the earliest instant ≥ requestedAt that is open (window, holidays, closed days) and keeps
 *      every `defer` cap and the minimum gap (a debtor-scoped cap and the gap also count the
 *      debtor's other debts, `otherDebts`) — found by iterating to a fixed point, since moving for one rule can
 *      break another (a cap clears on Sunday night, the window opens Monday 08:00, a contact
 *      scheduled by another journey sits at 08:00…)
 *   5. a `skip` cap broken at that instant → skip
 *   6. jitter (policy.jitterMs > 0): the instant moves up to the next point of a per-seed grid
 *      of period jitterMs (deterministic, idempotent: deciding again at the result gives the
 *      result), unless that would leave the window or break a cap.
 * Workflow-safe: pure; time is passed in.
 */
import type { Channel, PlanPolicy } from '../../ir/index.js';
import { capBound, loadHistory } from './caps.js';
import {
  CHANNEL_BIT,
  CHANNEL_NAME,
  closedReason,
  compilePolicy,
  forChannel,
  nextOpen,
  openIntervalEnd,
  type CompiledCap,
  type CompiledPolicy,
} from './compiled.js';
import type { DeferReason, SendDecision, SendRequest } from './types.js';
import { zoneClock, type ZoneClock } from './zone-clock.js';

const MAX_ROUNDS = 10_000;

interface Settled {
  t: number;
  /** The rule that moved the requested instant first. */
  reason?: DeferReason;
  /** Every cause met on the way, in order, without repeats (for the message). */
  causes: string[];
}

function note(out: Settled, reason: DeferReason, cause: string): void {
  out.reason ??= reason;
  if (!out.causes.includes(cause)) out.causes.push(cause);
}

function holidayCause(policy: PlanPolicy, kind: 1 | 2): string {
  return kind === 1 ? `public holiday${policy.holidays.country ? ` (${policy.holidays.country})` : ''}` : 'closed day';
}

/** Earliest instant ≥ from that is open and keeps every defer cap on `bit`. */
function settle(policy: PlanPolicy, cp: CompiledPolicy, clock: ZoneClock, bit: number, from: number): Settled {
  const out: Settled = { t: from, causes: [] };
  let t = from;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const open = nextOpen(cp, clock, t);
    if (open > t) {
      const why = closedReason(cp, clock, t);
      note(out, why.reason, why.kind !== undefined ? holidayCause(policy, why.kind) : 'outside send window');
      for (let day = why.day + 1, last = clock.dayOf(open); day < last; day++) {
        const kind = cp.closed.get(day);
        if (kind !== undefined) note(out, 'holiday', holidayCause(policy, kind));
      }
      t = open;
    }
    let bound = 0;
    let hit: CompiledCap | undefined;
    for (const cap of cp.caps) {
      if (cap.onExceed !== 'defer' || (cap.mask & bit) === 0) continue;
      const b = capBound(cap, t);
      if (b > bound) {
        bound = b;
        hit = cap;
      }
    }
    if (bound === 0 || hit === undefined) {
      out.t = t;
      return out;
    }
    if (hit.minGap) note(out, 'minGap', `debtor-wide ${hit.label}`);
    else note(out, 'frequencyCap', `frequency cap ${hit.label} reached`);
    t = bound;
  }
  throw new RangeError('policy: no instant satisfies every rule (too many rounds)');
}

function capsAllow(cp: CompiledPolicy, bit: number, t: number, onExceed?: 'defer' | 'skip'): CompiledCap | undefined {
  for (const cap of cp.caps) {
    if ((cap.mask & bit) === 0 || (onExceed !== undefined && cap.onExceed !== onExceed)) continue;
    if (capBound(cap, t) !== 0) return cap;
  }
  return undefined;
}

/** FNV-1a, 32 bits: a stable number from the seed. */
function hashSeed(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The next instant ≥ x on the seed's grid of period `period` ms. */
export function jitterSnap(x: number, period: number, seed: string): number {
  const phase = hashSeed(seed) % period;
  return x + ((((phase - x) % period) + period) % period);
}

function resolveZone(policy: PlanPolicy, tz: string | undefined): { tz: string; clock: ZoneClock } | { skip: string } {
  const own = tz !== undefined && tz !== '' ? zoneClock(tz) : undefined;
  if (own) return { tz: tz!, clock: own };
  const what = tz === undefined || tz === '' ? 'no time zone' : `unknown time zone "${tz}"`;
  if (policy.unknownTimezone === 'skip')
    return { skip: `debtor has ${what} and policy ${policy.name} skips such debtors` };
  const fallback = zoneClock(policy.timezoneFallback);
  if (!fallback) return { skip: `debtor has ${what} and the fallback "${policy.timezoneFallback}" is not a time zone` };
  return { tz: policy.timezoneFallback, clock: fallback };
}

export function decideSend(policy: PlanPolicy, req: SendRequest): SendDecision {
  const { channel, requestedAt } = req;
  const name = CHANNEL_NAME[channel];
  const consent = req.consent?.[channel];
  if (consent === false) return { action: 'skip', reason: 'noConsent', detail: `debtor refused ${name} consent` };
  if (policy.consent[channel] === 'required' && consent !== true) {
    return {
      action: 'skip',
      reason: 'noConsent',
      detail: `no ${name} consent on record (policy ${policy.name} requires it)`,
    };
  }
  if (req.optedOut.includes(channel))
    return { action: 'skip', reason: 'optedOut', detail: `debtor opted out of ${name}` };
  const zone = resolveZone(policy, req.timezone);
  if ('skip' in zone) return { action: 'skip', reason: 'unknownTimezone', detail: zone.skip };
  const { tz, clock } = zone;

  const cp = forChannel(compilePolicy(policy), channel);
  const bit = CHANNEL_BIT[channel];
  loadHistory(req.history, cp.debtorWide ? req.otherDebts : undefined);
  const s = settle(policy, cp, clock, bit, requestedAt);
  let at = s.t;
  const skipCap = capsAllow(cp, bit, at, 'skip');
  if (skipCap) {
    return { action: 'skip', reason: 'frequencyCap', detail: `frequency cap ${skipCap.label} reached` };
  }
  if (policy.jitterMs > 0) {
    const j = jitterSnap(at, policy.jitterMs, req.seed ?? '');
    if (j !== at && j < openIntervalEnd(cp, clock, at) && !capsAllow(cp, bit, j)) at = j;
  }
  if (s.reason === undefined) return { action: 'send', at, timezone: tz };
  return { action: 'defer', until: at, reason: s.reason, timezone: tz, detail: s.causes.join('; ') };
}

/**
 * The earliest instant ≥ fromMs inside a send window on an open day of the policy, in zone `tz`
 * (which must be valid). For business-day arithmetic and schedules.
 */
export function nextOpenInstant(policy: PlanPolicy, tz: string, fromMs: number, channel?: Channel): number {
  const clock = zoneClock(tz);
  if (!clock) throw new RangeError(`unknown time zone ${tz}`);
  const cp = compilePolicy(policy);
  return nextOpen(channel !== undefined ? forChannel(cp, channel) : cp, clock, fromMs);
}

/**
 * True when `t` is inside a send window on an open day, in zone `tz` (which must be valid); for
 * `channel` when given (its own windows), else the windows for every channel.
 */
export function isOpenInstant(policy: PlanPolicy, tz: string, t: number, channel?: Channel): boolean {
  return nextOpenInstant(policy, tz, t, channel) === t;
}
