/** Wraps activities so `settle dev` sees every message actually sent (for the demo's debtors and its summary). */
import type { Activities, SendMessageInput } from '../activities/types.js';

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
