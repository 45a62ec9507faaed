/**
 * What a simulated SMS is billed as: carriers (Twilio included) bill per segment, not per
 * message, so the simulator renders each SMS as the sendSms activity would (the step's chosen
 * locale, the values it passes, GSM-7 formatting) and counts its segments
 * (src/core/sms-segments.ts). Links render at the length `settle render` shows
 * (`<publicUrl>/p/preview`); a text that cannot render counts one segment (the activity would
 * fail it, which the simulation does not model).
 */
import type { SendMessageInput } from '../workflows/contract.js';
import { countSmsSegments } from '../core/sms-segments.js';
import { isValidTimeZone } from '../core/timezone.js';
import type { PlanTemplate } from '../ir/index.js';
import { createRenderer } from '../templates/index.js';

/** The public URL the links of a simulated SMS are rendered with (the CLI's default). */
export const SIMULATED_PUBLIC_URL = 'http://127.0.0.1:8080';

const renderer = createRenderer({ cacheSize: 2000 });

function validZone(zone: string | undefined): string | undefined {
  return zone !== undefined && zone.trim() !== '' && isValidTimeZone(zone) ? zone : undefined;
}

/** Segments the SMS of `input` takes once rendered. */
export function smsSegmentsOf(input: SendMessageInput, publicUrl = SIMULATED_PUBLIC_URL): number {
  const base = publicUrl.replace(/\/+$/, '');
  const links = { pay: `${base}/p/preview`, optOut: `${base}/u/preview` };
  try {
    let template: PlanTemplate;
    let values: Parameters<typeof renderer.render>[2];
    let requested: string | undefined;
    let zone: string | undefined;
    if ('enrollment' in input) {
      template = input.template;
      values = input.enrollment;
      requested = input.enrollment.debtor.locale;
      zone = input.enrollment.debtor.timezone;
    } else {
      const { message, recipient } = input;
      template = {
        name: message.template,
        channel: message.channel,
        defaultLocale: message.locale,
        locales: message.sources === undefined ? {} : { [message.locale]: message.sources },
      };
      values = input.values;
      requested = recipient.locale;
      zone = recipient.timezone;
    }
    const timezone = validZone(zone);
    const { text } = renderer.render(template, requested, values, links, {
      nowMs: input.nowMs,
      ...(timezone !== undefined && { timezone }),
    });
    return Math.max(1, countSmsSegments(text).segments);
  } catch {
    return 1;
  }
}
