/**
 * The demo's debtors are drawn by the simulator's behaviour model: the demo's parameters are
 * Behaviour documents (valid for `settle simulate --behaviour` too), and its reactions are the
 * model's response, with disputes drawn after it.
 */
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { checkBehaviour } from '../../src/compiler/behaviour.js';
import { demoBehaviourDoc, reactTo, type SentMessage } from '../../src/dev/behaviour.js';
import { compileBehaviour } from '../../src/simulate/behaviour.js';

const HISTORIES = ['good', 'late', 'bad'];

const message = (i: number, over: Partial<SentMessage> = {}): SentMessage => ({
  workflowId: `settle/D-${i}`,
  key: `settle/D-${i}/first-email/1`,
  channel: 'email',
  journey: 'soft-collection',
  step: 'first-email',
  paymentHistory: HISTORIES[i % 3]!,
  previous: 0,
  ...over,
});

const share = (plans: { type: string }[][], type: string) =>
  plans.filter((p) => p.some((e) => e.type === type)).length / plans.length;

describe('the demo’s debtors', () => {
  it('are Behaviour documents the simulator accepts, for every payment history and fatigue', () => {
    for (const history of [...HISTORIES, 'unknown'])
      for (const previous of [0, 1, 5, 40]) {
        const text = dump(demoBehaviourDoc(history, previous));
        const check = checkBehaviour({ path: `demo-${history}-${previous}.yaml`, text });
        expect(check.ok ? [] : check.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual(
          [],
        );
      }
  });

  it('react as the simulator’s model responds (a kept promise waits for the promise; disputes come on top)', () => {
    let compared = 0;
    for (let i = 0; i < 3_000; i++) {
      for (const channel of ['email', 'sms'] as const) {
        const msg = message(i, { channel, previous: i % 4 });
        const drawn = compileBehaviour(demoBehaviourDoc(msg.paymentHistory!, msg.previous)).respond(
          { key: msg.key, channel, journey: msg.journey, step: msg.step },
          11,
        );
        const played = reactTo(msg, 11).filter((e) => e.after !== 'dispute' && e.type !== 'disputed');
        expect(played.map((e) => [e.type, e.afterMs, e.after])).toEqual(
          drawn.map((e) => [e.type, e.afterMs, e.keeps ? 'promise' : undefined]),
        );
        const promise = played.find((e) => e.type === 'promised');
        const withinMs = drawn.find((e) => e.type === 'promised')?.withinMs;
        if (promise) expect(promise.promiseDays).toBe(Math.floor(withinMs! / 86_400_000) + 1);
        compared += drawn.length;
      }
    }
    expect(compared).toBeGreaterThan(6_000);
  });

  it('open less after each reminder, and pay by their payment history', () => {
    const plans = (over: (i: number) => Partial<SentMessage>) =>
      Array.from({ length: 6_000 }, (_, i) => reactTo(message(i, over(i)), 3));
    const fresh = share(
      plans(() => ({ previous: 0 })),
      'opened',
    );
    const tired = share(
      plans(() => ({ previous: 4 })),
      'opened',
    );
    expect(fresh).toBeGreaterThan(0.5);
    expect(tired).toBeLessThan(0.35);
    const paid = HISTORIES.map((h) =>
      share(
        plans(() => ({ paymentHistory: h })),
        'paid',
      ),
    );
    expect(paid[0]).toBeGreaterThan(paid[1]!);
    expect(paid[1]).toBeGreaterThan(paid[2]!);
  });

  it('are the same for a seed, and another seed changes them', () => {
    const a = Array.from({ length: 200 }, (_, i) => reactTo(message(i), 5));
    expect(Array.from({ length: 200 }, (_, i) => reactTo(message(i), 5))).toEqual(a);
    expect(Array.from({ length: 200 }, (_, i) => reactTo(message(i), 6))).not.toEqual(a);
  });
});
