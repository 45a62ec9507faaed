/**
 * The demo's debtors on the web: a debtor who visits opens the payment link of the message
 * (GET /p/<token> on the dev server: the landing page signals `visited`), and one who pays
 * presses the pay button (POST /p/<token>/checkout: a Checkout Session on stripe-mock) and
 * "completes" it, which here means posting the signed `checkout.session.completed` event that
 * Stripe would send, built from the session the dev checkout recorded. So `paid` and
 * `partiallyPaid` reach the journey through the real Stripe webhook path.
 */
import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import { checkoutSessionParams } from '../channels/stripe.js';
import { checkoutIdempotencyKey } from '../server/routes/landing.js';
import type { CheckoutLedger, LedgerEntry } from './dev-stripe.js';

export interface DemoWebOptions {
  /** The dev server (its /p/ and /webhooks/stripe routes), e.g. http://127.0.0.1:8080; read when used. */
  baseUrl: string | (() => string);
  /** The dev server's Stripe webhook signing secret. */
  webhookSecret: string;
  ledger: CheckoutLedger;
  /** The raw email sent under a message key (the SMTP sink), for its pixel and tracked links. */
  emailFor?: (key: string) => Buffer | undefined;
  clock?: () => number;
}

/** The first URL of a tracking route (`/t/o/` pixel, `/t/c/` click) in a raw email. */
export function trackingUrl(raw: string, route: 'o' | 'c'): string | undefined {
  // Quoted-printable soft line breaks and `=3D` would cut URLs: undo them first.
  const text = raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
  return new RegExp(`https?://[^\\s"'<>]*/t/${route}/[A-Za-z0-9_.-]+`).exec(text)?.[0];
}

/** The event Stripe sends when the debtor completes the session (card payments settle at once). */
export function checkoutCompletedEvent(entry: LedgerEntry, nowMs: number): Record<string, unknown> {
  const { request, session } = entry;
  const id = createHash('sha256').update(`${request.key}\n${session.id}`).digest('hex').slice(0, 24);
  return {
    id: `evt_demo_${id}`,
    object: 'event',
    created: Math.floor(nowMs / 1000),
    livemode: false,
    pending_webhooks: 1,
    type: 'checkout.session.completed',
    data: {
      object: {
        id: session.id,
        object: 'checkout.session',
        mode: 'payment',
        status: 'complete',
        payment_status: 'paid',
        amount_subtotal: session.amount,
        amount_total: session.amount,
        currency: session.currency.toLowerCase(),
        payment_intent: `pi_demo_${id}`,
        metadata: checkoutSessionParams(request).metadata,
      },
    },
  };
}

export class DemoWeb {
  constructor(private readonly o: DemoWebOptions) {}

  private base(): string {
    const url = typeof this.o.baseUrl === 'function' ? this.o.baseUrl() : this.o.baseUrl;
    return url.replace(/\/+$/, '');
  }

  /** The dev server's URL for a payment link (whatever SETTLE_PUBLIC_URL says). */
  private local(payUrl: string): string {
    const path = new URL(payUrl).pathname;
    return `${this.base()}${path.slice(path.indexOf('/p/'))}`;
  }

  /** Opens (loads the pixel of) or clicks (follows a tracked link of) an email; false when it cannot. */
  async track(key: string, route: 'o' | 'c'): Promise<boolean> {
    const raw = this.o.emailFor?.(key);
    const url = raw && trackingUrl(raw.toString('utf8'), route);
    if (!url) return false;
    const path = new URL(url).pathname;
    const res = await fetch(`${this.base()}${path.slice(path.indexOf('/t/'))}`, {
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) settle-demo-debtor' },
      redirect: 'manual',
    });
    await res.arrayBuffer();
    return route === 'o' ? res.status === 200 : res.status === 302;
  }

  /** Opens the landing page; false when the server does not serve it. */
  async visit(payUrl: string): Promise<boolean> {
    const res = await fetch(this.local(payUrl), {
      headers: { 'user-agent': 'settle-demo-debtor' },
      redirect: 'manual',
    });
    await res.arrayBuffer();
    return res.status === 200;
  }

  /** A form of the payment page: where it posts and its hidden fields, or undefined when the page has none. */
  private async form(
    payUrl: string,
    action: 'promise' | 'dispute',
  ): Promise<{ action: string; fields: Record<string, string>; html: string } | undefined> {
    const res = await fetch(this.local(payUrl), {
      headers: { 'user-agent': 'settle-demo-debtor', purpose: 'prefetch' },
    });
    const html = await res.text();
    const m = new RegExp(`<form method="post" action="([^"]*/s/[^"]+/${action})">([\\s\\S]*?)</form>`).exec(html);
    if (res.status !== 200 || !m) return undefined;
    const fields: Record<string, string> = {};
    for (const [, name, value] of m[2]!.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g))
      fields[name!] = value!;
    const path = m[1]!.replace(/&amp;/g, '&');
    return { action: `${this.base()}${path.slice(path.indexOf('/s/'))}`, fields, html: m[2]! };
  }

  private async post(action: string, fields: Record<string, string>): Promise<boolean> {
    const res = await fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'settle-demo-debtor' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    await res.arrayBuffer();
    return res.status === 303;
  }

  /** Promises on the payment page to pay `days` days from the first date it offers; false when it offers none. */
  async promise(payUrl: string, days: number): Promise<boolean> {
    const form = await this.form(payUrl, 'promise');
    const window = form && /name="date" min="([\d-]+)" max="([\d-]+)"/.exec(form.html);
    if (!form || !window) return false;
    const first = Date.parse(`${window[1]}T00:00:00Z`);
    const date = new Date(first + (days - 1) * 86_400_000).toISOString().slice(0, 10);
    return this.post(form.action, { ...form.fields, date: date > window[2]! ? window[2]! : date });
  }

  /** Disputes the debt on the payment page; false when it offers no dispute form. */
  async dispute(payUrl: string, reason: string): Promise<boolean> {
    const form = await this.form(payUrl, 'dispute');
    if (!form || !form.html.includes(`value="${reason}"`)) return false;
    return this.post(form.action, { ...form.fields, reason });
  }

  /**
   * Pays in full or the first of `plan` instalments: checkout, then Stripe's signed webhook.
   * False when a step is not served (no landing or Stripe routes): the caller signals instead.
   */
  async pay(payUrl: string, messageKey: string, plan: 'full' | number): Promise<boolean> {
    const res = await fetch(`${this.local(payUrl)}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'settle-demo-debtor' },
      body: `plan=${plan}`,
      redirect: 'manual',
    });
    await res.arrayBuffer();
    const entry = this.o.ledger.find(checkoutIdempotencyKey(messageKey, String(plan)));
    if (res.status !== 303 || !entry || res.headers.get('location') !== entry.session.url) return false;
    const payload = JSON.stringify(checkoutCompletedEvent(entry, (this.o.clock ?? Date.now)()));
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: this.o.webhookSecret });
    const hook = await fetch(`${this.base()}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    });
    await hook.arrayBuffer();
    return hook.ok;
  }
}
