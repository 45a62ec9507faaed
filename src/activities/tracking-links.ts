/**
 * Email engagement tracking: every web link of a message (HTML `<a href>` and bare URLs in the
 * text part) becomes a signed click redirect `/t/c/<token>` whose token carries the target, and
 * the HTML part gets a 1×1 open pixel `/t/o/<token>`. The target lives inside the signed token,
 * so the redirect can never be turned into an open redirect. The opt-out link stays as it is (a
 * click on it must not count as engagement, and mailbox providers check it), and so do `mailto:`,
 * `tel:` and in-page anchors.
 */
import { publicLink } from '../channels/payments.js';
import { signLinkToken, TEST_LINK, versionClaims, type LinkClaims } from '../channels/tokens.js';

export interface TrackingContext {
  secret: string;
  publicUrl: string;
  /** Token issued-at (ms): the server flags an open within seconds of it as a machine open. */
  nowMs: number;
  workflowId: string;
  step: string;
  /** Journey version and A/B variant of the message: the metric labels of its opens and clicks. */
  version: number;
  variant?: string | undefined;
  /** The journey of the message (metric label; the workflow id does not name it). */
  journey?: string | undefined;
  /** Idempotency key of the message: the `messageId` of its events. */
  key: string;
  /** The opt-out URL of this message: never rewritten. */
  optOut: string;
  /** A test send: the pixel and redirects carry the test marker and record nothing. */
  test?: boolean | undefined;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  quot: '"',
  apos: "'",
  lt: '<',
  gt: '>',
  '#34': '"',
  '#39': "'",
  '#38': '&',
};

function decodeEntities(value: string): string {
  return value.replace(/&(amp|quot|apos|lt|gt|#34|#39|#38);/g, (_, name: string) => ENTITIES[name] ?? '');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

export interface Tracker {
  /** The click redirect for `target`, or `target` itself when it is not tracked. */
  click(target: string): string;
  /** The open pixel URL. */
  pixel(): string;
}

export function createTracker(ctx: TrackingContext): Tracker {
  const base: Omit<LinkClaims, 'p'> = {
    w: ctx.workflowId,
    s: ctx.step,
    c: 'email',
    k: ctx.key,
    ...versionClaims(ctx),
    ...(ctx.test && TEST_LINK),
  };
  const clicks = new Map<string, string>();
  return {
    click(target) {
      if (target === ctx.optOut || !isWebUrl(target)) return target;
      let url = clicks.get(target);
      if (url === undefined) {
        const token = signLinkToken(ctx.secret, { p: 'c', ...base, u: target }, undefined, ctx.nowMs);
        url = publicLink(ctx.publicUrl, `t/c/${token}`);
        clicks.set(target, url);
      }
      return url;
    },
    pixel() {
      const token = signLinkToken(ctx.secret, { p: 'o', ...base }, undefined, ctx.nowMs);
      return publicLink(ctx.publicUrl, `t/o/${token}`);
    },
  };
}

/** `href` attributes of `<a>` elements (double, single or unquoted values). */
const ANCHOR_HREF = /(<a\b[^>]*?\bhref\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)/gi;

/** Rewrites the links of an HTML part and adds the open pixel before `</body>` (or at the end). */
export function trackHtml(html: string, tracker: Tracker): string {
  const rewritten = html.replace(ANCHOR_HREF, (whole, prefix: string, raw: string) => {
    const quoted = raw.startsWith('"') || raw.startsWith("'");
    const target = decodeEntities((quoted ? raw.slice(1, -1) : raw).trim());
    const tracked = tracker.click(target);
    return tracked === target ? whole : `${prefix}"${escapeAttribute(tracked)}"`;
  });
  const pixel = `<img src="${escapeAttribute(tracker.pixel())}" width="1" height="1" alt="" style="display:none">`;
  const close = rewritten.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i);
  return close >= 0 ? `${rewritten.slice(0, close)}${pixel}${rewritten.slice(close)}` : `${rewritten}${pixel}`;
}

/** Bare web URLs in plain text; trailing punctuation belongs to the sentence, not the URL. */
const BARE_URL = /https?:\/\/[^\s<>"']+/gi;

export function trackText(text: string, tracker: Tracker): string {
  return text.replace(BARE_URL, (match) => {
    const url = match.replace(/[.,;:!?)\]}]+$/, '');
    return `${tracker.click(url)}${match.slice(url.length)}`;
  });
}
