/**
 * `settle dev --demo`: enrolls a synthetic portfolio and plays its debtors. Each message the
 * worker sends is answered (or not) as the behaviour model decides, by signalling the journey
 * after a delay in journey time, compressed by the time scale.
 */
import type { Client } from '@temporalio/client';
import type { SendMessageInput } from '../workflows/contract.js';
import type { Project } from '../project/project.js';
import { enrollPortfolio, type EnrollSummary } from '../enrollment/enroll.js';
import type { PortfolioRow } from '../project/record.js';
import type { EnrollmentData, JourneyPlan } from '../ir/index.js';
import { engagementSignal } from '../workflows/definitions.js';
import { reactTo, type PlannedEvent } from './behaviour.js';
import { DemoWeb, type DemoWebOptions } from './demo-web.js';
import { demoPortfolio } from './portfolio.js';

export interface DemoOptions {
  client: Client;
  taskQueue: string;
  plans: ReadonlyMap<string, JourneyPlan>;
  project: Project;
  secret: string;
  debts: number;
  seed: number;
  timeScale: number;
  nowMs: number;
  /**
   * The dev server's landing page and Stripe webhook: when given, debtors who visit open the
   * payment link and those who pay go through Stripe Checkout and its signed webhook (demo-web.ts)
   * instead of being signalled directly.
   */
  web?: DemoWebOptions;
}

export class DemoDebtors {
  readonly eventsByType: Record<string, number> = {};
  /** Of those, the ones played over HTTP (landing page, Checkout, Stripe webhook). */
  readonly webEventsByType: Record<string, number> = {};
  private readonly received = new Map<string, number>();
  /**
   * The debts this run enrolled, by debt id: what a debtor's reaction depends on (payment history,
   * amount). Sends carry only what their template reads, so the demo keeps its own copy.
   */
  private readonly debts = new Map<string, EnrollmentData>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly web: DemoWeb | undefined;

  constructor(private readonly o: DemoOptions) {
    this.web = o.web ? new DemoWeb(o.web) : undefined;
  }

  async enroll(): Promise<EnrollSummary> {
    // A prefix per run: journeys of an earlier run (kept in .settle/) resume, new ones start fresh.
    const records = demoPortfolio(
      this.o.debts,
      this.o.nowMs,
      this.o.seed,
      `DEMO-${Math.floor(this.o.nowMs / 1000)
        .toString(36)
        .toUpperCase()}`,
    );
    for (const record of records) this.debts.set(record.debtId, record);
    async function* rows(): AsyncGenerator<PortfolioRow> {
      for (const [i, record] of records.entries()) yield { line: i + 1, record } as PortfolioRow;
    }
    return enrollPortfolio({
      client: this.o.client,
      taskQueue: this.o.taskQueue,
      plans: this.o.plans,
      project: this.o.project,
      rows: rows(),
      secret: this.o.secret,
      nowMs: this.o.nowMs,
      timeScale: this.o.timeScale,
    });
  }

  /** Called for every message the worker sent: schedules this debtor's reactions. */
  onSent = (input: SendMessageInput, duplicate: boolean): void => {
    if (duplicate || this.stopped) return;
    const previous = this.received.get(input.workflowId) ?? 0;
    this.received.set(input.workflowId, previous + 1);
    const history = this.debts.get(input.debtId)?.attributes?.paymentHistory;
    const plan = reactTo(
      {
        workflowId: input.workflowId,
        key: input.key,
        channel: input.channel,
        journey: input.journey,
        step: input.step,
        previous,
        ...(typeof history === 'string' && { paymentHistory: history }),
      },
      this.o.seed,
    );
    for (const ev of plan) {
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          if (this.stopped) return;
          // A kept promise's payment, an operator's answer to a dispute: only after the page took it.
          if (ev.after !== undefined && !this.selfService.has(`${input.workflowId}\u0000${ev.after}`)) return;
          if (ev.type === 'promised' || ev.type === 'disputed') {
            void this.selfServe(input, ev);
            return;
          }
          if (ev.type === 'resolved' || ev.type === 'upheld') {
            this.selfService.delete(`${input.workflowId}\u0000dispute`);
            this.signal(input, ev);
            return;
          }
          void this.viaWeb(input, ev).then((done) => {
            if (done) {
              this.eventsByType[ev.type] = (this.eventsByType[ev.type] ?? 0) + 1;
              this.webEventsByType[ev.type] = (this.webEventsByType[ev.type] ?? 0) + 1;
            } else if (!this.stopped) this.signal(input, ev);
          });
        },
        Math.max(10, ev.afterMs / this.o.timeScale),
      );
      this.timers.add(timer);
    }
  };

  /** Debts whose promise or dispute the page took (`<workflowId>\0promise|dispute`). */
  private readonly selfService = new Set<string>();

  /** A promise to pay or a dispute, posted on the payment page (only the page can take them). */
  private async selfServe(input: SendMessageInput, ev: PlannedEvent): Promise<void> {
    if (!this.web || input.payUrl === undefined) return;
    try {
      const done =
        ev.type === 'promised'
          ? await this.web.promise(input.payUrl, ev.promiseDays ?? 7)
          : await this.web.dispute(input.payUrl, ev.reason ?? 'wrongAmount');
      if (!done || this.stopped) return;
      this.selfService.add(`${input.workflowId}\u0000${ev.type === 'promised' ? 'promise' : 'dispute'}`);
      this.eventsByType[ev.type] = (this.eventsByType[ev.type] ?? 0) + 1;
      this.webEventsByType[ev.type] = (this.webEventsByType[ev.type] ?? 0) + 1;
    } catch {
      // the server is not there: a debtor without the page makes no promise
    }
  }

  // --- web path (landing page, Stripe Checkout, signed webhook) ------------------------------
  /** Plays a visit or a payment over HTTP; false when this event or server has no web path. */
  private async viaWeb(input: SendMessageInput, ev: PlannedEvent): Promise<boolean> {
    if (!this.web || input.payUrl === undefined) return false;
    try {
      if (ev.type === 'opened' && input.channel === 'email') return await this.web.track(input.key, 'o');
      if (ev.type === 'clicked' && input.channel === 'email') return await this.web.track(input.key, 'c');
      if (ev.type === 'visited') return await this.web.visit(input.payUrl);
      if (ev.type === 'paid') return await this.web.pay(input.payUrl, input.key, 'full');
      if (ev.type === 'partiallyPaid') {
        const offer = this.o.plans.get(input.journey)?.paymentPlans;
        const amount = this.debts.get(input.debtId)?.debt.amountDue;
        const plan =
          offer && amount !== undefined && amount >= (offer.minAmount ?? 0)
            ? Math.min(...offer.instalments)
            : undefined;
        return plan !== undefined && Number.isFinite(plan) && (await this.web.pay(input.payUrl, input.key, plan));
      }
    } catch {
      // the server is not there (yet): signal instead
    }
    return false;
  }
  // --- end of web path -----------------------------------------------------------------------

  private signal(input: SendMessageInput, ev: PlannedEvent): void {
    const amountDue = this.debts.get(input.debtId)?.debt.amountDue;
    // A journey resumed from an earlier run (not enrolled by this one): its amount is not known here.
    if (ev.type === 'partiallyPaid' && amountDue === undefined) return;
    const signal = {
      eventId: `demo/${input.key}/${ev.type}`,
      type: ev.type,
      messageId: input.key,
      at: new Date().toISOString(),
      ...(ev.type === 'partiallyPaid' && { data: { amount: Math.round((amountDue ?? 0) * 50) / 100 } }),
    };
    this.o.client.workflow
      .getHandle(input.workflowId)
      .signal(engagementSignal, signal)
      .then(
        () => {
          this.eventsByType[ev.type] = (this.eventsByType[ev.type] ?? 0) + 1;
        },
        () => undefined, // the journey already ended: nothing to tell it
      );
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
