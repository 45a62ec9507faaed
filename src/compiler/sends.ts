/**
 * Every message a journey can send, as authored: its send steps and the reminders of its
 * trackPlan steps. Template checks, SMS opt-out checks and lowering all walk this one list.
 */
import type { Journey } from '../dsl/index.js';

export interface AuthoredSend {
  /** Index of the step in spec.steps. */
  index: number;
  stepId: string;
  channel: 'email' | 'sms';
  template: string;
  paymentLink: boolean;
  /** Path of the template field relative to the step. */
  templateField: string[];
}

export function authoredSends(journey: Journey): AuthoredSend[] {
  const out: AuthoredSend[] = [];
  journey.spec.steps.forEach((s, index) => {
    if (s.type === 'send') {
      out.push({
        index,
        stepId: s.id,
        channel: s.channel,
        template: s.template,
        paymentLink: s.paymentLink ?? false,
        templateField: ['template'],
      });
    } else if (s.type === 'trackPlan' && s.remind !== undefined) {
      out.push({
        index,
        stepId: s.id,
        channel: s.remind.channel,
        template: s.remind.template,
        paymentLink: s.remind.paymentLink ?? true,
        templateField: ['remind', 'template'],
      });
    }
  });
  return out;
}
