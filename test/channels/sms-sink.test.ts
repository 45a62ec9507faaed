/** The local SMS sink: delivery, segments, dedupe by key (also across a restart) and the outbox file. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalSmsSink } from '../../src/channels/sms.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'settle-sms-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const message = { key: 'settle/INV-1/j/remind/1', to: '+33612345678', body: 'Pay 420,50 € now. STOP to opt out' };

describe('LocalSmsSink', () => {
  it('delivers with a stable SID and a segment count', async () => {
    const sink = new LocalSmsSink({ clock: () => Date.parse('2026-11-05T10:00:00Z') });
    const result = await sink.send(message);
    expect(result).toEqual({ providerId: expect.stringMatching(/^SM[0-9a-f]{32}$/), segments: 1 });
    expect(sink.messages()).toEqual([{ ...message, ...result, sentAt: '2026-11-05T10:00:00.000Z' }]);
    expect(sink.file).toBeUndefined();
  });

  it('sends a key once: the second send returns the first result with duplicate=true', async () => {
    const sink = new LocalSmsSink();
    const first = await sink.send(message);
    const again = await sink.send({ ...message, body: 'another text' });
    expect(again).toEqual({ ...first, duplicate: true });
    const [a, b] = await Promise.all([sink.send({ ...message, key: 'k2' }), sink.send({ ...message, key: 'k2' })]);
    expect(b).toEqual({ ...a, duplicate: true });
    expect(sink.messages().map((m) => m.key)).toEqual([message.key, 'k2']);
  });

  it('appends JSON lines to the outbox and dedupes against them after a restart', async () => {
    const sink = new LocalSmsSink({ outboxDir: join(dir, 'outbox') });
    const first = await sink.send(message);
    await sink.send({ ...message, key: 'other', body: 'ж'.repeat(71) });
    const lines = (await readFile(join(dir, 'outbox', 'sms.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as { key: string; segments: number })).toMatchObject([
      { key: message.key, segments: 1, to: message.to, body: message.body },
      { key: 'other', segments: 2 },
    ]);
    const restarted = new LocalSmsSink({ outboxDir: join(dir, 'outbox') });
    expect(await restarted.send(message)).toEqual({ ...first, duplicate: true });
    expect(restarted.messages()).toHaveLength(2);
  });
});
