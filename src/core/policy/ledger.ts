/**
 * The contact ledger of one debtor: the contacts of each of their debts (across every journey),
 * the channels they opted out of and the addresses that hard-bounced (by keyed hash). Journeys ask it before each send; it decides with the
 * asking journey's policy over the shared history and, when the answer is "send", records the
 * contact in the same step — so two journeys of one debt can never both pass a cap.
 *
 * Pure and workflow-safe: the Temporal entity workflow (src/workflows/ledger-workflow.ts) holds
 * one per debtor and serialises requests; `settle simulate` and the fake-runtime tests hold them
 * in memory (LedgerBook). Requests are idempotent by `requestId`: asking again returns the
 * recorded decision and records nothing (an activity retried after a lost reply).
 */
import type { Channel, PlanPolicy } from '../../ir/index.js';
import { compilePolicy } from './compiled.js';
import { decideSend } from './decide.js';
import type { Contact, SendDecision } from './types.js';

/** Contacts older than this are forgotten (longer than any sensible cap window). */
export const LEDGER_KEEP_MS = 120 * 86_400_000;
/** Decisions remembered for idempotency (per debtor; the oldest are dropped first). */
const MAX_DECISIONS = 500;
/**
 * Consent changes (an SMS STOP or START, by the provider's message id) remembered so that a
 * captured, validly signed request replayed later changes nothing. Twilio signs no timestamp, so
 * the id is the only defence: it is kept this long, and the ledger stays open while it is.
 */
export const CONSENT_KEEP_MS = 400 * 86_400_000;
const MAX_CONSENT_EVENTS = 200;
/** A hard-bounced address is refused this long (an address that bounced for good rarely comes back). */
export const BOUNCE_KEEP_MS = 400 * 86_400_000;
const MAX_BOUNCES = 50;

export type LocalBlockReason = 'noAddress';

export interface ReserveRequest {
  /** Idempotency: the send's key and the how-many-th decision of it (a deferred send asks again). */
  requestId: string;
  debtId: string;
  workflowId: string;
  channel: Channel;
  requestedAt: number;
  timezone?: string;
  consent?: { email?: boolean; sms?: boolean };
  /** Opt-outs the journey itself received (they count with the ledger's own). */
  optedOut: readonly Channel[];
  policy: PlanPolicy;
  /** Set when the journey already knows the send cannot happen (no address for the channel). */
  localBlock?: LocalBlockReason;
  /**
   * Keyed hash of the address the send would use (JourneyOptions.contactKeys): refused when it
   * hard-bounced for any debt of the debtor. Absent (callers before bounces): not checked.
   */
  contactKey?: string;
}

/** A hard bounce of one address, reported by one of the debtor's journeys. */
export interface BounceReport {
  channel: Channel;
  /**
   * Keyed hash of the address (never the address); absent when the journey has none (then only
   * the message is forgotten, see `message`).
   */
  contactKey?: string;
  /** The debt whose message bounced (for the audit trail and `settle status --debtor`). */
  debtId: string;
  at: number;
  /**
   * The bounced message's contact as the ledger booked it (its journey and instant): a message
   * that never reached the person is forgotten by the caps and the minimum gap.
   */
  message?: { workflowId: string; at: number };
}

export interface ReserveResult {
  decision: SendDecision | { action: 'skip'; reason: LocalBlockReason; detail: string };
  /** False when this request had been decided before (the recorded answer is returned). */
  fresh: boolean;
}

export interface LedgerSnapshot {
  contacts: Record<string, (Contact & { workflowId: string })[]>;
  optedOut: Channel[];
  decisions: [string, ReserveResult['decision']][];
  /** Consent event ids with the instant they were applied (absent in ledgers from before replay protection). */
  consentEvents?: [string, number][];
  /** Hard-bounced addresses (absent when none, and in ledgers from before bounces were shared). */
  bounced?: BounceReport[];
}

/** The skip of a send the journey already knows cannot happen (no address for the channel). */
function localSkip(req: ReserveRequest, reason: LocalBlockReason): ReserveResult['decision'] {
  return {
    action: 'skip',
    reason,
    detail: `debtor has no ${req.channel === 'sms' ? 'phone number' : 'email address'}`,
  };
}

export class ContactLedger {
  private contacts = new Map<string, (Contact & { workflowId: string })[]>();
  private optedOut = new Set<Channel>();
  private decisions = new Map<string, ReserveResult['decision']>();
  private consentEvents = new Map<string, number>();
  /** By `channel/contactKey`. */
  private bounced = new Map<string, BounceReport>();

  static from(snapshot: LedgerSnapshot | undefined): ContactLedger {
    const l = new ContactLedger();
    if (!snapshot) return l;
    for (const [debt, list] of Object.entries(snapshot.contacts)) l.contacts.set(debt, [...list]);
    for (const c of snapshot.optedOut) l.optedOut.add(c);
    for (const [id, d] of snapshot.decisions) l.decisions.set(id, d);
    for (const [id, at] of snapshot.consentEvents ?? []) l.consentEvents.set(id, at);
    for (const b of snapshot.bounced ?? []) l.bounced.set(`${b.channel}/${b.contactKey}`, b);
    return l;
  }

  snapshot(): LedgerSnapshot {
    return {
      contacts: Object.fromEntries([...this.contacts].map(([k, v]) => [k, [...v]])),
      optedOut: [...this.optedOut],
      decisions: [...this.decisions],
      ...(this.consentEvents.size > 0 && { consentEvents: [...this.consentEvents] }),
      ...(this.bounced.size > 0 && { bounced: [...this.bounced.values()] }),
    };
  }

  reserve(req: ReserveRequest): ReserveResult {
    const seen = this.decisions.get(req.requestId);
    if (seen) return { decision: seen, fresh: false };
    const decision = this.decide(req);
    if (decision.action === 'send') {
      const list = this.contacts.get(req.debtId) ?? [];
      list.push({ at: decision.at, channel: req.channel, workflowId: req.workflowId });
      this.contacts.set(req.debtId, list);
    }
    this.decisions.set(req.requestId, decision);
    if (this.decisions.size > MAX_DECISIONS) this.decisions.delete(this.decisions.keys().next().value!);
    return { decision, fresh: true };
  }

  private decide(req: ReserveRequest): ReserveResult['decision'] {
    if (req.localBlock) return localSkip(req, req.localBlock);
    const bounce = req.contactKey !== undefined ? this.bounced.get(`${req.channel}/${req.contactKey}`) : undefined;
    if (bounce) {
      const address = req.channel === 'sms' ? 'phone number' : 'email address';
      const where = bounce.debtId === req.debtId ? 'this debt' : `debt ${bounce.debtId}`;
      return {
        action: 'skip',
        reason: 'bounced',
        detail: `the debtor's ${address} hard-bounced (a message of ${where} on ${new Date(bounce.at).toISOString().slice(0, 10)}); no send until the address changes`,
      };
    }
    const optedOut = [...this.optedOut];
    for (const c of req.optedOut) if (!this.optedOut.has(c)) optedOut.push(c);
    let otherDebts: (Contact & { workflowId: string })[][] | undefined;
    if (this.contacts.size > (this.contacts.has(req.debtId) ? 1 : 0) && compilePolicy(req.policy).debtorWide) {
      otherDebts = [];
      for (const [debt, list] of this.contacts) if (debt !== req.debtId) otherDebts.push(list);
    }
    return decideSend(req.policy, {
      channel: req.channel,
      requestedAt: req.requestedAt,
      ...(req.timezone !== undefined && { timezone: req.timezone }),
      ...(req.consent !== undefined && { consent: req.consent }),
      optedOut,
      history: this.contacts.get(req.debtId) ?? [],
      ...(otherDebts !== undefined && { otherDebts }),
      seed: req.requestId.replace(/#\d+$/, ''),
    });
  }

  /**
   * Records a hard bounce of an address: every later send to it, for any debt of the debtor, is
   * skipped (`bounced`) until the debtor's record carries another address. False when it was
   * already recorded (the first report is kept).
   */
  bounce(report: BounceReport): boolean {
    if (report.message) this.forgetContact(report.debtId, report.message.workflowId, report.message.at);
    if (report.contactKey === undefined) return false;
    const key = `${report.channel}/${report.contactKey}`;
    if (this.bounced.has(key)) return false;
    this.bounced.set(key, {
      channel: report.channel,
      contactKey: report.contactKey,
      debtId: report.debtId,
      at: report.at,
    });
    if (this.bounced.size > MAX_BOUNCES) this.bounced.delete(this.bounced.keys().next().value!);
    return true;
  }

  private forgetContact(debtId: string, workflowId: string, at: number): void {
    const list = this.contacts.get(debtId);
    const i = list?.findIndex((c) => c.workflowId === workflowId && c.at === at) ?? -1;
    if (i < 0) return;
    list!.splice(i, 1);
    if (list!.length === 0) this.contacts.delete(debtId);
  }

  /** The hard-bounced addresses, oldest report first. */
  bounces(): (BounceReport & { contactKey: string })[] {
    return [...this.bounced.values()].sort((a, b) => a.at - b.at) as (BounceReport & { contactKey: string })[];
  }

  /**
   * Opts out of `channel`. With an event id (the provider's message id), a repeat of that event
   * is refused: false, nothing changes.
   */
  optOut(channel: Channel, eventId?: string, at = 0): boolean {
    if (!this.firstConsentEvent(eventId, at)) return false;
    this.optedOut.add(channel);
    return true;
  }

  /** Opts back in to `channel`; a replayed event id is refused like for optOut. */
  optIn(channel: Channel, eventId?: string, at = 0): boolean {
    if (!this.firstConsentEvent(eventId, at)) return false;
    this.optedOut.delete(channel);
    return true;
  }

  private firstConsentEvent(eventId: string | undefined, at: number): boolean {
    if (eventId === undefined) return true;
    if (this.consentEvents.has(eventId)) return false;
    this.consentEvents.set(eventId, at);
    if (this.consentEvents.size > MAX_CONSENT_EVENTS)
      this.consentEvents.delete(this.consentEvents.keys().next().value!);
    return true;
  }

  isOptedOut(channel: Channel): boolean {
    return this.optedOut.has(channel);
  }

  /** Contacts of a debt (or of every debt), oldest first. */
  history(debtId?: string): (Contact & { workflowId: string; debtId: string })[] {
    const out: (Contact & { workflowId: string; debtId: string })[] = [];
    for (const [debt, list] of this.contacts) {
      if (debtId !== undefined && debt !== debtId) continue;
      for (const c of list) out.push({ ...c, debtId: debt });
    }
    return out.sort((a, b) => a.at - b.at);
  }

  /** Forgets contacts older than `keepMs` before `now`; true when nothing is left to remember. */
  prune(now: number, keepMs = LEDGER_KEEP_MS): boolean {
    for (const [debt, list] of this.contacts) {
      const kept = list.filter((c) => c.at > now - keepMs);
      if (kept.length === 0) this.contacts.delete(debt);
      else this.contacts.set(debt, kept);
    }
    for (const [id, at] of this.consentEvents) if (at <= now - CONSENT_KEEP_MS) this.consentEvents.delete(id);
    for (const [key, b] of this.bounced) if (b.at <= now - BOUNCE_KEEP_MS) this.bounced.delete(key);
    return (
      this.contacts.size === 0 && this.optedOut.size === 0 && this.consentEvents.size === 0 && this.bounced.size === 0
    );
  }
}

/**
 * The decision journeys made before the ledger existed (consent, opt-out and address only, no
 * windows or caps): kept so that their recorded histories replay unchanged.
 */
export function consentOnlyDecision(req: ReserveRequest): ReserveResult['decision'] {
  const consent = req.consent?.[req.channel];
  if (req.optedOut.includes(req.channel))
    return { action: 'skip', reason: 'optedOut', detail: `debtor opted out of ${req.channel}` };
  if (consent === false || (req.policy.consent[req.channel] === 'required' && consent !== true)) {
    return { action: 'skip', reason: 'noConsent', detail: `no ${req.channel} consent` };
  }
  if (req.localBlock) return localSkip(req, req.localBlock);
  return { action: 'send', at: req.requestedAt, timezone: req.timezone ?? req.policy.timezoneFallback };
}

/** Ledgers by debtor key, in memory: the simulator's and the fake runtime's stand-in for the entity workflows. */
export class LedgerBook {
  private readonly ledgers = new Map<string, ContactLedger>();

  get(debtorKey: string): ContactLedger {
    let l = this.ledgers.get(debtorKey);
    if (!l) {
      l = new ContactLedger();
      this.ledgers.set(debtorKey, l);
    }
    return l;
  }
}
