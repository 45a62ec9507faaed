/** Wraps activities so `settle dev` sees every message actually sent (for the demo's debtors and its summary). */
import type { Activities, SendMessageInput } from '../workflows/contract.js';

export type SentListener = (input: SendMessageInput, duplicate: boolean) => void;

export function observeSends(activities: Activities, onSent: SentListener): Activities {
  return {
    ...activities,
    sendEmail: async (input) => {
      const r = await activities.sendEmail(input);
      onSent(input, r.duplicate ?? false);
      return r;
    },
    sendSms: async (input) => {
      const r = await activities.sendSms(input);
      onSent(input, r.duplicate ?? false);
      return r;
    },
  };
}

/** Counts the activities running now, by name: what a stop that overran was waiting for. */
export function countInFlight(activities: Activities): {
  activities: Activities;
  inFlight: () => Record<string, number>;
} {
  const counts: Record<string, number> = {};
  const wrapped = Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        counts[name] = (counts[name] ?? 0) + 1;
        try {
          return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
        } finally {
          counts[name] = (counts[name] ?? 1) - 1;
        }
      },
    ]),
  ) as unknown as Activities;
  const inFlight = () => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
  return { activities: wrapped, inFlight };
}
