/**
 * The keyed hash of the address a send uses, for the debtor ledger's bounce list. Enrollment
 * (src/enrollment/start.ts) builds JourneyOptions.contactKeys as [email's key if the debtor has an
 * email] followed by [phone's key if they have a phone]; the workflow cannot hash (no secret in
 * workflow code), so it reads them back by that order. Undefined when the journey has no key for
 * the channel (the simulator before keys, a record without the address) or when `current` (the
 * record as re-enrollment updated it) has another address than the one the keys were made from:
 * a new address is not the bounced one. Workflow-safe: pure.
 */
import type { Channel, EnrollmentData } from '../ir/index.js';
import type { JourneyInput } from './types.js';

export function contactKeyOf(
  input: Pick<JourneyInput, 'enrollment' | 'options'>,
  channel: Channel,
  current?: Pick<EnrollmentData, 'debtor'>,
): string | undefined {
  const { email, phone } = input.enrollment.debtor;
  if (current !== undefined && current.debtor !== input.enrollment.debtor) {
    const changed = channel === 'email' ? current.debtor.email !== email : current.debtor.phone !== phone;
    if (changed) return undefined;
  }
  const keys = input.options.contactKeys;
  const hasEmail = email !== undefined;
  const hasPhone = phone !== undefined;
  // Keys that do not match the record's addresses (one added or removed since) name nothing safely.
  if (keys.length !== Number(hasEmail) + Number(hasPhone)) return undefined;
  if (channel === 'email') return hasEmail ? keys[0] : undefined;
  return hasPhone ? keys[hasEmail ? 1 : 0] : undefined;
}

/**
 * A hard bounce holds for every debt of the debtor: the journey tells its ledger (an activity).
 * Journeys recorded before this change replay without the report.
 */
export const DEBTOR_BOUNCE_PATCH = 'settle-debtor-bounce';

/**
 * A provider that refuses a send because the person opted out (an SMS to a number that sent STOP)
 * tells the debtor's ledger too, so every journey of the debtor stops using the channel. Journeys
 * recorded before this change replay without the report.
 */
export const PROVIDER_OPT_OUT_PATCH = 'settle-provider-opt-out-to-ledger';
