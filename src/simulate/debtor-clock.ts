/**
 * One virtual clock shared by the journeys of one debtor (`settle simulate` runs a debtor's debts
 * together, so that an opt-out heard by one journey reaches the debtor's ledger before the others'
 * later sends, as in production). One queue ordered by (instant, kind, sequence): things scheduled
 * (engagement signals) before deadlines at the same instant, as VirtualPort does for one journey.
 * A journey's wait registers a waiter and sleeps; the driver advances the clock only when every
 * journey is asleep or finished, then wakes the waiters whose condition holds (in the order they
 * started waiting) or whose deadline came.
 */

interface Waiter {
  ready: () => boolean;
  resolve: (woke: boolean) => void;
  done: boolean;
}

interface Entry {
  at: number;
  /** 0: something scheduled; 1: a waiter's deadline. */
  kind: 0 | 1;
  seq: number;
  apply?: () => void;
  waiter?: Waiter;
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && (a.kind < b.kind || (a.kind === b.kind && a.seq < b.seq)));
}

export class DebtorClock {
  private clock: number;
  private readonly queue: Entry[] = [];
  private seq = 0;
  private waiters: Waiter[] = [];
  /** Journeys neither asleep nor finished. */
  private awake = 0;
  private idle: (() => void) | undefined;

  constructor(startMs: number) {
    this.clock = startMs;
  }

  now(): number {
    return this.clock;
  }

  private insert(e: Entry): void {
    const q = this.queue;
    let lo = 0;
    let hi = q.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(e, q[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    q.splice(lo, 0, e);
  }

  /** Schedules `apply` at instant `at` (a signal, usually). */
  at(at: number, apply: () => void): void {
    this.insert({ at, kind: 0, seq: this.seq++, apply });
  }

  /** Sleeps until `ready()` holds after something applied (true) or the clock reaches `deadline` (false). */
  wait(ready: () => boolean, deadline: number): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = { ready, resolve, done: false };
      this.waiters.push(waiter);
      this.insert({ at: deadline, kind: 1, seq: this.seq++, waiter });
      this.sleep();
    });
  }

  private sleep(): void {
    if (--this.awake === 0 && this.idle) {
      const idle = this.idle;
      this.idle = undefined;
      idle();
    }
  }

  private wake(w: Waiter, woke: boolean): void {
    w.done = true;
    this.awake++;
    w.resolve(woke);
  }

  private quiet(): Promise<void> {
    return this.awake === 0 ? Promise.resolve() : new Promise((resolve) => (this.idle = resolve));
  }

  /** Runs the journeys to their ends on this clock; rejects with the first journey's failure. */
  async run(journeys: (() => Promise<void>)[]): Promise<void> {
    this.awake = journeys.length;
    let failure: { error: unknown } | undefined;
    const all = journeys.map((j) =>
      j().then(
        () => this.sleep(),
        (error: unknown) => {
          failure ??= { error };
          this.sleep();
        },
      ),
    );
    for (;;) {
      await this.quiet();
      if (failure) throw failure.error;
      const next = this.queue.shift();
      if (!next) break;
      if (next.kind === 1 && next.waiter!.done) continue;
      this.clock = Math.max(this.clock, next.at);
      if (next.kind === 1) {
        this.waiters = this.waiters.filter((w) => w !== next.waiter);
        this.wake(next.waiter!, false);
        continue;
      }
      next.apply!();
      const still: Waiter[] = [];
      for (const w of this.waiters) {
        if (w.ready()) this.wake(w, true);
        else still.push(w);
      }
      this.waiters = still;
    }
    if (this.waiters.length > 0) throw new Error('waiting forever: nothing scheduled can wake these journeys');
    await Promise.all(all);
  }
}
