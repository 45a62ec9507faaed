/**
 * The signal dispatcher and the journey lookup against a real Temporal dev server (visibility
 * queries need it) and a worker running real journeys: each hit becomes exactly one event, a
 * repeat is a duplicate, an ended journey's signal is dropped, an unsubscribe reaches every
 * running journey of the contact, a full queue refuses, and a Temporal that goes away and comes
 * back loses nothing.
 */
import { Client, Connection } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { JourneyPlan } from '../../src/ir/index.js';
import { trackingEventId } from '../../src/server/event-id.js';
import { createJourneyLookup } from '../../src/server/journey-lookup.js';
import { createSignalDispatcher } from '../../src/server/signal-dispatcher.js';
import type { JourneySignal } from '../../src/server/signals.js';
import { keyedHash } from '../../src/ids/workflow-ids.js';
import { SECRET, useJourneyRig } from '../support/journey-worker.js';
import { quietTemporalRuntime } from '../support/temporal.js';
import { eventually } from '../support/wait.js';
import { enroll, record, stateOf, tcpProxy, trackedPlan } from './temporal-support.js';

quietTemporalRuntime();

const t = useJourneyRig({}, 'dev');
const plan: JourneyPlan = trackedPlan();

/** A running journey that has sent its email and waits in `watch`. */
async function waitingJourney(debtId: string, email?: string): Promise<string> {
  const id = await enroll(t.env.client, t.rig.taskQueue, plan, record(debtId, email));
  await eventually(async () => expect((await stateOf(t.env.client, id)).current).toBe('watch'));
  return id;
}

const hit = (workflowId: string, type: 'opened' | 'clicked' | 'delivered', eventId?: string): JourneySignal => {
  const k = `${workflowId}/first-email/1`;
  return {
    kind: 'engagement',
    signal: {
      eventId: eventId ?? trackingEventId({ w: workflowId, k }, type),
      type,
      messageId: k,
      at: new Date().toISOString(),
    },
  };
};

describe('signal dispatcher on a real Temporal', () => {
  it('delivers each hit as exactly one event: a repeat is a duplicate here, and ignored by the journey across servers', async () => {
    const id = await waitingJourney('DSP-ONCE');
    const one = createSignalDispatcher(t.env.client);
    expect(one.dispatch(id, hit(id, 'opened'))).toBe('queued');
    expect(one.dispatch(id, hit(id, 'opened'))).toBe('duplicate');
    await one.flush();
    // Another server behind the load balancer sees the same hit: its memory is empty, the journey's is not.
    const other = createSignalDispatcher(t.env.client);
    expect(other.dispatch(id, hit(id, 'opened'))).toBe('queued');
    await other.flush();
    expect(one.stats()).toMatchObject({ queued: 1, duplicate: 1, delivered: 1, depth: 0 });
    expect(other.stats()).toMatchObject({ delivered: 1 });
    const state = await eventually(async () => {
      const s = await stateOf(t.env.client, id);
      expect(s.current).toBe('watch-click');
      return s;
    });
    expect(state.events.filter((e) => e.type === 'opened')).toHaveLength(1);
  });

  it('drops (and counts) signals for journeys that ended or never existed', async () => {
    const id = await waitingJourney('DSP-ENDED');
    await t.env.client.workflow.getHandle(id).terminate('test');
    const d = createSignalDispatcher(t.env.client);
    d.dispatch(id, hit(id, 'clicked'));
    d.dispatch('settle/NO-SUCH-DEBT/none', hit('settle/NO-SUCH-DEBT/none', 'clicked'));
    await d.flush();
    expect(d.stats()).toMatchObject({ queued: 2, delivered: 0, notFound: 2, failed: 0, depth: 0 });
  });

  it('dispatchToContact reaches every running journey of the contact, and only those', async () => {
    const email = 'shared.contact@example.com';
    const [a, b, other] = await Promise.all([
      waitingJourney('DSP-CONTACT-A', email),
      waitingJourney('DSP-CONTACT-B', email),
      waitingJourney('DSP-CONTACT-C', 'someone.else@example.com'),
    ]);
    const key = keyedHash(SECRET, 'email', email);
    // Visibility is eventually consistent: wait until both journeys are listed, as a real unsubscribe would be later.
    await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of t.env.client.workflow.list({
        query: `SettleContact = '${key}' AND ExecutionStatus = 'Running'`,
      }))
        ids.push(wf.workflowId);
      expect(ids.sort()).toEqual([a, b].sort());
    });
    const d = createSignalDispatcher(t.env.client);
    expect(d.dispatchToContact(key, { kind: 'optOut', channel: 'email' })).toBe('queued');
    await d.flush();
    expect(d.stats()).toMatchObject({ contactLookups: 1, contactJourneys: 2, delivered: 2 });
    for (const id of [a, b]) expect((await stateOf(t.env.client, id)).optedOut).toEqual(['email']);
    expect((await stateOf(t.env.client, other)).optedOut).toEqual([]);
    expect(d.dispatchToContact("x' OR SettleJourney != '", { kind: 'optOut', channel: 'email' })).toBe('queued');
    expect(d.stats().failed).toBe(1);
  });

  it('refuses when full, retries while Temporal is unreachable and delivers everything it took once it is back', async () => {
    const id = await waitingJourney('DSP-OUTAGE');
    const proxy = await tcpProxy(t.env.address);
    const connection = await Connection.connect({ address: proxy.address });
    const client = new Client({ connection });
    try {
      const d = createSignalDispatcher(client, {
        capacity: 3,
        concurrency: 2,
        initialBackoffMs: 50,
        maxBackoffMs: 500,
        callTimeoutMs: 1_000,
      });
      proxy.cut();
      const results = [1, 2, 3, 4, 5].map((n) => d.dispatch(id, hit(id, 'delivered', `outage-${n}`)));
      expect(results).toEqual(['queued', 'queued', 'queued', 'full', 'full']);
      expect(d.depth()).toBe(3);
      expect(d.saturated()).toBe(true);
      await eventually(() => expect(d.stats().retried).toBeGreaterThanOrEqual(2));
      expect(d.stats().delivered).toBe(0);
      // The refused hits were not remembered: when they come again, they are taken.
      expect(d.dispatch(id, hit(id, 'delivered', 'outage-4'))).toBe('full');
      proxy.restore();
      await d.flush(30_000);
      expect(d.stats()).toMatchObject({ delivered: 3, full: 3, failed: 0, abandoned: 0, depth: 0 });
      const events = (await stateOf(t.env.client, id)).events.map((e) => e.eventId);
      expect(events.filter((e) => e.startsWith('outage-')).sort()).toEqual(['outage-1', 'outage-2', 'outage-3']);
    } finally {
      await connection.close();
      await proxy.close();
    }
  }, 60_000);

  it('flush gives up after its timeout and counts what it abandons', async () => {
    const proxy = await tcpProxy(t.env.address);
    const connection = await Connection.connect({ address: proxy.address });
    try {
      const d = createSignalDispatcher(new Client({ connection }), {
        concurrency: 1,
        initialBackoffMs: 50,
        callTimeoutMs: 1_000,
      });
      proxy.cut();
      d.dispatch('settle/X/y', hit('settle/X/y', 'opened'));
      d.dispatch('settle/X/z', hit('settle/X/z', 'opened'));
      await d.flush(500);
      // flush returned after the call in flight ended (its deadline): closing the connection is safe.
      expect(d.stats()).toMatchObject({ abandoned: 1, failed: 1, depth: 0 });
    } finally {
      await connection.close();
      await proxy.close();
    }
  });
});

describe('journey lookup', () => {
  it('answers the state view, caches it briefly, and undefined for an unknown journey', async () => {
    const id = await waitingJourney('DSP-LOOKUP');
    let now = 0;
    const lookup = createJourneyLookup(t.env.client, { ttlMs: 1_000, clock: () => now });
    const first = await lookup.view(id);
    expect(first).toMatchObject({
      journey: 'tracked-reminder',
      debtId: 'DSP-LOOKUP',
      current: 'watch',
      debt: { reference: 'DSP-LOOKUP' },
    });
    expect(await lookup.view(id)).toBe(first);
    now = 1_000;
    const later = await lookup.view(id);
    expect(later).not.toBe(first);
    expect(later).toEqual(first);
    expect(await lookup.view('settle/NOBODY/tracked-reminder')).toBeUndefined();
  });
});
