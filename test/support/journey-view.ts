/** A journey's state view (the `state` query) as the landing page sees it: Anna, 420.50 EUR, plans of 2 or 3. */
import type { JourneyStateView } from '../../src/workflows/types.js';

export function journeyView(
  over: Partial<JourneyStateView> = {},
  debtor: Partial<JourneyStateView['debtor']> = {},
): JourneyStateView {
  return {
    journey: 'soft-collection',
    version: 4,
    debtId: 'INV-2026-0042',
    current: 'watch-first-email',
    variants: { 'subject-test': 'social-proof' },
    sends: [],
    events: [],
    engagement: {},
    optedOut: [],
    audit: [],
    debt: {
      reference: 'INV-2026-0042',
      amountDue: 420.5,
      currency: 'EUR',
      dueDate: '2026-11-01',
      creditor: 'Telco Nova',
    },
    debtor: { firstName: 'Anna', locale: 'fr', timezone: 'Europe/Paris', ...debtor },
    paymentPlans: { instalments: [2, 3], minAmount: 100 },
    goal: 'paid',
    ...over,
  };
}
