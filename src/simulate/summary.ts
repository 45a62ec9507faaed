/**
 * The summary of a simulation, accumulated debt by debt (a portfolio of millions never sits in
 * memory): sends per UTC day and channel, deferrals and blocks by reason, outcomes, the funnel,
 * amount collected per currency, cost and conversion per split variant — overall and per journey
 * (the forecast of `settle diff` compares journeys one by one).
 */
import type { Channel } from '../ir/index.js';
import type { Costs } from './behaviour.js';
import { compareArms } from '../experiments/stats.js';
import type { SimulatedDebt } from './run-debt.js';

const DAY = 86_400_000;

export interface ChannelCounts {
  email: number;
  sms: number;
}

export interface JourneySummary {
  version: number;
  debts: number;
  sends: ChannelCounts;
  deferrals: Record<string, number>;
  blocks: Record<string, number>;
  outcomes: Record<string, number>;
  paid: number;
  /** Segments of the SMS sent (what carriers bill). */
  smsSegments: number;
  cost: number;
  /**
   * Journeys a migration moved to a newer version (`moved`) or left where they were (`stayed`,
   * at a step with no place in it); absent when nothing migrated (settle diff --portfolio).
   */
  migrations?: { moved?: number; stayed?: number };
}

export interface VariantSummary {
  journey: string;
  step: string;
  variant: string;
  debts: number;
  paid: number;
  /** paid / debts. */
  conversion: number;
  /** Wilson 95 % interval of the conversion. */
  interval?: { low: number; high: number };
  /** Two-sided Fisher's exact test against the split's control (src/experiments/stats.ts). */
  pValue?: number;
  /** Debts per arm needed to detect the observed difference. */
  neededPerArm?: number;
  verdict?: string;
  /** A holdout variant (its debts were sent nothing): the control of its split. */
  holdout?: boolean;
}

/**
 * What a collections manager reads per journey and per segment. Sums while debts are added (parts
 * of a run add up); the rates and means below them are computed once, in `finish`.
 */
export interface BusinessFigures {
  debts: number;
  /** Debts sent at least one message. */
  contacted: number;
  /** Contacted debts with a right-party signal: a human open, a click, a visit, a reply or a payment. */
  rightParty: number;
  paid: number;
  /** Amount due of the debts, per currency. */
  enrolled: Record<string, number>;
  /** Amount collected (paid in full; a partial payment counts its share), per currency. */
  collected: Record<string, number>;
  /** What the messages cost (SMS per segment), in the cost currency. */
  cost: number;
  /** Debts that reacted (a right-party signal after their first message), and the hours it took in all. */
  reactions: number;
  reactionHours: number;
  /** Paid debts with a due date, and their days past it at payment in all (negative: paid early). */
  paidWithDueDate: number;
  pastDueDays: number;
  /** Paid debts that were contacted, and their days from the first message to payment in all. */
  paidAfterContact: number;
  sinceContactDays: number;
  /** Derived in `finish`: right-party contacts over contacted debts. */
  rpcRate?: number;
  /** Derived: collected over enrolled, per currency. */
  collectionRateByAmount?: Record<string, number>;
  /** Derived: (collected − cost) per debt, per currency (the cost counts in its own currency, or in every one when it has none). */
  profitPerAccount?: Record<string, number>;
  /** Derived means: hours from the first message to the first right-party signal, days past due at payment, days from the first message to payment. */
  meanReactionHours?: number;
  meanDaysPastDueAtPayment?: number;
  meanDaysToPaySinceContact?: number;
}

export interface SimulationSummary {
  start: string;
  end: string;
  days: number;
  seed: number;
  behaviour: string;
  debts: number;
  unmatched: number;
  invalid: { line: number; reason: string }[];
  sends: ChannelCounts & { total: number };
  /** Segments of the SMS sent: an SMS is billed per segment (src/core/sms-segments.ts). */
  smsSegments: number;
  sendsPerDay: ({ date: string } & ChannelCounts)[];
  deferrals: Record<string, number>;
  /** Deferrals by reason, then by the debtor's country (`debtor.country`; `(none)` without one). */
  deferralsByCountry: Record<string, Record<string, number>>;
  blocks: Record<string, number>;
  outcomes: Record<string, number>;
  funnel: { sent: number; delivered: number; opened: number; clicked: number; visited: number; paid: number };
  amountCollected: Record<string, number>;
  /** `perMessage.sms` is the price of one SMS segment. */
  cost: { currency: string | null; email: number; sms: number; total: number; perMessage: ChannelCounts };
  variants: VariantSummary[];
  journeys: Record<string, JourneySummary>;
  /** Money, RPC, profit and timing per journey and per segment (`none`: routed without one). */
  business: { journeys: Record<string, BusinessFigures>; segments: Record<string, BusinessFigures> };
}

export interface SummaryOptions {
  startMs: number;
  days: number;
  seed: number;
  behaviour: string;
  costs: Costs;
  partialShare: number;
}

/** Engagement that only the debtor can cause: proof the right party was reached (RPC). */
const RIGHT_PARTY: ReadonlySet<string> = new Set(['opened', 'clicked', 'visited', 'replied', 'paid', 'partiallyPaid']);

function emptyFigures(): BusinessFigures {
  return {
    debts: 0,
    contacted: 0,
    rightParty: 0,
    paid: 0,
    enrolled: {},
    collected: {},
    cost: 0,
    reactions: 0,
    reactionHours: 0,
    paidWithDueDate: 0,
    pastDueDays: 0,
    paidAfterContact: 0,
    sinceContactDays: 0,
  };
}

/** The rates and means of a figures record, from its sums (rounded like the rest of the summary). */
function derive(f: BusinessFigures, costCurrency: string | null): void {
  f.cost = round(f.cost);
  f.reactionHours = round(f.reactionHours, 4);
  f.pastDueDays = round(f.pastDueDays, 4);
  f.sinceContactDays = round(f.sinceContactDays, 4);
  for (const c of Object.keys(f.enrolled)) f.enrolled[c] = round(f.enrolled[c]!, 2);
  for (const c of Object.keys(f.collected)) f.collected[c] = round(f.collected[c]!, 2);
  f.rpcRate = f.contacted > 0 ? round(f.rightParty / f.contacted, 4) : 0;
  f.collectionRateByAmount = {};
  f.profitPerAccount = {};
  for (const [c, enrolled] of Object.entries(f.enrolled)) {
    const collected = f.collected[c] ?? 0;
    f.collectionRateByAmount[c] = enrolled > 0 ? round(collected / enrolled, 4) : 0;
    const cost = costCurrency === null || costCurrency === c ? f.cost : 0;
    f.profitPerAccount[c] = f.debts > 0 ? round((collected - cost) / f.debts, 2) : 0;
  }
  if (f.reactions > 0) f.meanReactionHours = round(f.reactionHours / f.reactions, 2);
  if (f.paidWithDueDate > 0) f.meanDaysPastDueAtPayment = round(f.pastDueDays / f.paidWithDueDate, 2);
  if (f.paidAfterContact > 0) f.meanDaysToPaySinceContact = round(f.sinceContactDays / f.paidAfterContact, 2);
}

/** The country column of a debtor without debtor.country. */
export const NO_COUNTRY = '(none)';

function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

const round = (x: number, digits = 6) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A builder's accumulated state as plain data (SummaryBuilder.part / merge). */
export interface SummaryPart {
  s: SimulationSummary;
  perDay: ChannelCounts[];
  variants: VariantSummary[];
}

/** Numbers of the summary that describe the run rather than count it (and journeys.*.version): every part has the same. */
const RUN_FIELDS: ReadonlySet<string> = new Set(['days', 'seed', 'cost.perMessage']);

/**
 * Adds every number of `from` into `to`, recursing into plain objects (RUN_FIELDS and values
 * other than numbers are the run's own: kept).
 */
function addInto(to: Record<string, unknown>, from: Record<string, unknown>, path = ''): void {
  for (const key of Object.keys(from)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (RUN_FIELDS.has(at) || (key === 'version' && path.startsWith('journeys.'))) continue;
    const a = to[key];
    const b = from[key];
    if (typeof b === 'number') to[key] = (typeof a === 'number' ? a : 0) + b;
    else if (b !== null && typeof b === 'object' && !Array.isArray(b)) {
      if (a === undefined) to[key] = structuredClone(b);
      else if (a !== null && typeof a === 'object' && !Array.isArray(a))
        addInto(a as Record<string, unknown>, b as Record<string, unknown>, at);
    }
  }
}

export class SummaryBuilder {
  private readonly s: SimulationSummary;
  private readonly perDay: ChannelCounts[];
  private readonly variantMap = new Map<string, VariantSummary>();
  private readonly price: ChannelCounts;
  private readonly firstDay: number;

  constructor(private readonly o: SummaryOptions) {
    this.price = { email: o.costs.email ?? 0, sms: o.costs.sms ?? 0 };
    // Calendar days in UTC, from the start's date to the end's.
    this.firstDay = Math.floor(o.startMs / DAY);
    const lastDay = Math.floor((o.startMs + o.days * DAY - 1) / DAY);
    this.perDay = Array.from({ length: lastDay - this.firstDay + 1 }, () => ({ email: 0, sms: 0 }));
    this.s = {
      start: new Date(o.startMs).toISOString(),
      end: new Date(o.startMs + o.days * DAY).toISOString(),
      days: o.days,
      seed: o.seed,
      behaviour: o.behaviour,
      debts: 0,
      unmatched: 0,
      invalid: [],
      sends: { email: 0, sms: 0, total: 0 },
      smsSegments: 0,
      sendsPerDay: [],
      deferrals: {},
      deferralsByCountry: {},
      blocks: {},
      outcomes: {},
      funnel: { sent: 0, delivered: 0, opened: 0, clicked: 0, visited: 0, paid: 0 },
      amountCollected: {},
      cost: { currency: o.costs.currency ?? null, email: 0, sms: 0, total: 0, perMessage: { ...this.price } },
      variants: [],
      journeys: {},
      business: { journeys: {}, segments: {} },
    };
  }

  unmatched(): void {
    this.s.unmatched += 1;
  }

  invalid(line: number, reason: string): void {
    this.s.invalid.push({ line, reason });
  }

  /**
   * Adds a simulated debt; `country` is its debtor's (debtor.country), for deferrals by country;
   * `dueDate` its debt's (YYYY-MM-DD), for days past due at payment.
   */
  add(d: SimulatedDebt, country?: string, dueDate?: string): void {
    const s = this.s;
    s.debts += 1;
    // A debt handed over ran in several journeys: each counts it once, with that journey's outcome,
    // and what happened while the debt was there (sends, deferrals, blocks).
    const legs = [
      ...(d.state.path ?? []).map((l) => ({
        journey: l.journey,
        version: l.version,
        outcome: l.outcome,
        endedAt: l.endedAt,
      })),
      { journey: d.journey, version: d.version, outcome: d.outcome, endedAt: Infinity },
    ];
    const journeyAt = (at: number) => {
      const leg = legs.find((l) => at < l.endedAt) ?? legs[legs.length - 1]!;
      return (s.journeys[leg.journey] ??= {
        version: leg.version,
        debts: 0,
        sends: { email: 0, sms: 0 },
        deferrals: {},
        blocks: {},
        outcomes: {},
        paid: 0,
        smsSegments: 0,
        cost: 0,
      });
    };
    for (const leg of legs) {
      const lj = journeyAt(leg.endedAt === Infinity ? Number.MAX_SAFE_INTEGER : leg.endedAt - 1);
      lj.debts += 1;
      bump(lj.outcomes, leg.outcome);
    }
    const j = journeyAt(Number.MAX_SAFE_INTEGER);
    bump(s.outcomes, d.outcome);
    for (const m of d.state.migrations ?? []) bump((journeyAt(m.at).migrations ??= {}), m.toStep ? 'moved' : 'stayed');
    for (const e of d.state.sends) {
      if (e.status !== 'sent') continue;
      const j = journeyAt(e.at);
      const ch: Channel = e.channel;
      s.sends[ch] += 1;
      s.sends.total += 1;
      j.sends[ch] += 1;
      // Email per message, SMS per segment (a message whose segments are unknown counts one).
      const units = ch === 'sms' ? (d.smsSegments[e.messageId ?? ''] ?? 1) : 1;
      if (ch === 'sms') {
        s.smsSegments += units;
        j.smsSegments += units;
      }
      j.cost += units * this.price[ch];
      const day = Math.floor(e.at / DAY) - this.firstDay;
      const bucket = this.perDay[day];
      if (bucket) bucket[ch] += 1;
    }
    for (const e of d.events) {
      const j = journeyAt(Date.parse(e.at));
      if (e.type === 'deferred') {
        bump(s.deferrals, e.reason ?? 'unknown');
        bump(j.deferrals, e.reason ?? 'unknown');
        bump((s.deferralsByCountry[e.reason ?? 'unknown'] ??= {}), country?.toUpperCase() || NO_COUNTRY);
      } else if (e.type === 'blocked') {
        bump(s.blocks, e.reason ?? 'unknown');
        bump(j.blocks, e.reason ?? 'unknown');
      }
    }
    const types = new Set<string>();
    for (const e of d.state.events) {
      if (e.type === 'delivered' || e.type === 'opened' || e.type === 'clicked' || e.type === 'visited')
        s.funnel[e.type] += 1;
      types.add(e.type);
    }
    const { amountDue, currency } = d;
    const paid = types.has('paid');
    this.business(d, paid, dueDate);
    if (paid) {
      s.funnel.paid += 1;
      j.paid += 1;
      bump(s.amountCollected, currency, amountDue);
    } else if (d.state.money !== undefined && d.state.money.paid > 0) {
      bump(s.amountCollected, currency, d.state.money.paid);
    } else if (types.has('partiallyPaid')) {
      bump(s.amountCollected, currency, amountDue * this.o.partialShare);
    }
    for (const [step, variant] of Object.entries(d.state.variants)) {
      const key = `${d.journey}\u0000${step}\u0000${variant}`;
      let v = this.variantMap.get(key);
      if (!v) {
        v = { journey: d.journey, step, variant, debts: 0, paid: 0, conversion: 0 };
        this.variantMap.set(key, v);
      }
      v.debts += 1;
      if (paid) v.paid += 1;
      if (!v.holdout && d.state.sends.some((x) => x.reason === 'holdout')) v.holdout = true;
    }
  }

  private business(d: SimulatedDebt, paid: boolean, dueDate: string | undefined): void {
    let cost = 0;
    let firstSend: number | undefined;
    for (const e of d.state.sends) {
      if (e.status !== 'sent') continue;
      cost += (e.channel === 'sms' ? (d.smsSegments[e.messageId ?? ''] ?? 1) : 1) * this.price[e.channel];
      if (firstSend === undefined || e.at < firstSend) firstSend = e.at;
    }
    let reaction: number | undefined;
    let paidAt: number | undefined;
    for (const e of d.state.events) {
      if (
        RIGHT_PARTY.has(e.type) &&
        firstSend !== undefined &&
        e.at >= firstSend &&
        (reaction === undefined || e.at < reaction)
      )
        reaction = e.at;
      if (e.type === 'paid' && (paidAt === undefined || e.at < paidAt)) paidAt = e.at;
    }
    const collected = paid
      ? d.amountDue
      : d.state.events.some((e) => e.type === 'partiallyPaid')
        ? d.amountDue * this.o.partialShare
        : 0;
    const due = dueDate !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(dueDate) ? Date.parse(`${dueDate}T00:00:00Z`) : NaN;
    for (const f of [
      (this.s.business.journeys[d.journey] ??= emptyFigures()),
      (this.s.business.segments[d.segment ?? 'none'] ??= emptyFigures()),
    ]) {
      f.debts += 1;
      if (firstSend !== undefined) {
        f.contacted += 1;
        if (reaction !== undefined) {
          f.rightParty += 1;
          f.reactions += 1;
          f.reactionHours += (reaction - firstSend) / 3_600_000;
        }
      }
      bump(f.enrolled, d.currency, d.amountDue);
      bump(f.collected, d.currency, collected);
      f.cost += cost;
      if (paid && paidAt !== undefined) {
        f.paid += 1;
        if (Number.isFinite(due)) {
          f.paidWithDueDate += 1;
          f.pastDueDays += (paidAt - due) / DAY;
        }
        if (firstSend !== undefined && paidAt >= firstSend) {
          f.paidAfterContact += 1;
          f.sinceContactDays += (paidAt - firstSend) / DAY;
        }
      }
    }
  }

  /**
   * What this builder has accumulated, as plain data (a worker's share of a run, posted to the
   * main thread): `merge` adds it into another builder of the same options.
   */
  part(): SummaryPart {
    return { s: this.s, perDay: this.perDay, variants: [...this.variantMap.values()] };
  }

  /**
   * Adds a part (`part()`) of the same run: every number of the summary is a sum, added field by
   * field (keys in first-seen order), `invalid` rows appended. Parts merged in one order give one
   * result, whichever thread made them (src/simulate/blocks.ts merges them in block order).
   * A field added to the summary that is not a sum needs its own rule here.
   */
  merge(part: SummaryPart): void {
    addInto(this.s as unknown as Record<string, unknown>, part.s as unknown as Record<string, unknown>);
    this.s.invalid.push(...part.s.invalid);
    part.perDay.forEach((c, i) => {
      const bucket = this.perDay[i];
      if (bucket) addInto(bucket as unknown as Record<string, unknown>, c as unknown as Record<string, unknown>);
    });
    for (const v of part.variants) {
      const key = `${v.journey}\u0000${v.step}\u0000${v.variant}`;
      const mine = this.variantMap.get(key);
      if (mine) {
        mine.debts += v.debts;
        mine.paid += v.paid;
        if (v.holdout) mine.holdout = true;
      } else this.variantMap.set(key, { ...v });
    }
  }

  finish(): SimulationSummary {
    const s = this.s;
    s.sendsPerDay = this.perDay.map((c, i) => ({
      date: new Date((this.firstDay + i) * DAY).toISOString().slice(0, 10),
      ...c,
    }));
    s.funnel.sent = s.sends.total;
    s.cost.email = round(s.sends.email * this.price.email);
    s.cost.sms = round(s.smsSegments * this.price.sms);
    s.cost.total = round(s.cost.email + s.cost.sms);
    for (const j of Object.values(s.journeys)) j.cost = round(j.cost);
    for (const k of Object.keys(s.amountCollected)) s.amountCollected[k] = round(s.amountCollected[k]!, 2);
    s.variants = [...this.variantMap.values()]
      .map((v) => ({ ...v, conversion: v.debts > 0 ? round(v.paid / v.debts, 4) : 0 }))
      .sort((a, b) => (a.journey + a.step + a.variant < b.journey + b.step + b.variant ? -1 : 1));
    // Each split against its control: a variant named control (or holdout), else the first by name.
    const splits = new Map<string, VariantSummary[]>();
    for (const v of s.variants) {
      const key = `${v.journey}\u0000${v.step}`;
      splits.set(key, [...(splits.get(key) ?? []), v]);
    }
    for (const arms of splits.values()) {
      const control =
        arms.find((v) => v.holdout)?.variant ??
        arms.find((v) => v.variant === 'control' || v.variant === 'holdout')?.variant;
      const compared = compareArms(arms, control ?? arms[0]!.variant);
      arms.forEach((v, i) => {
        const c = compared[i]!;
        v.interval = { low: round(c.interval.low, 4), high: round(c.interval.high, 4) };
        if (c.pValue !== undefined) v.pValue = round(c.pValue, 4);
        if (c.neededPerArm !== undefined && Number.isFinite(c.neededPerArm)) v.neededPerArm = c.neededPerArm;
        v.verdict = c.verdict;
      });
    }
    for (const f of [...Object.values(s.business.journeys), ...Object.values(s.business.segments)])
      derive(f, s.cost.currency);
    s.invalid.sort((a, b) => a.line - b.line);
    return s;
  }
}
