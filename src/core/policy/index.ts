/**
 * The contact-policy engine: send windows, holidays, frequency caps, consent and opt-out,
 * decided purely from a plan's policy, the debtor's zone and the debt's contact history.
 * Workflow-safe (no Node APIs, no I/O, no clock).
 */
export { decideSend, isOpenInstant, jitterSnap, nextOpenInstant } from './decide.js';
export { describeDecision, formatLocal } from './describe.js';
export { compilePolicy, isOpenDayNumber } from './compiled.js';
export type { Contact, DeferReason, SendDecision, SendRequest, SkipReason } from './types.js';
export { ContactLedger, LedgerBook, LEDGER_KEEP_MS, BOUNCE_KEEP_MS, consentOnlyDecision } from './ledger.js';
export type { BounceReport, LedgerSnapshot, LocalBlockReason, ReserveRequest, ReserveResult } from './ledger.js';
export { debtorPolicy, policyForPlace, normalRegion } from './debtor.js';
export type { DebtorPlace } from './debtor.js';
