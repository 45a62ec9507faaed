/**
 * bench/policy: send decisions per second of the pure policy engine (decideSend) on one core,
 * each with a 90-day contact history of 30–60 contacts. Policy: Mon–Fri 08:00–20:00 and Sat
 * 09:00–13:00, French public holidays (as the compiler expands them) and two closed days,
 * 7 contacts / 7 days across channels (defer) and 1 SMS a day (skip), SMS consent required.
 * Requests: random instants of 2026–2027 in six zones. Target ≥ 200,000 decisions/s.
 * Measured in CPU time of the process (one thread), so other load on the machine does not count.
 * Run: npx tsx bench/policy.ts
 */
import { performance } from 'node:perf_hooks';
import { calibrationReference } from './support/calibrate.js';
import { figure, writeBenchResult } from './support/report.js';
import { publicHolidayDates } from '../src/compiler/holidays.js';
import { decideSend, type SendRequest } from '../src/core/policy/index.js';
import type { Channel, PlanPolicy } from '../src/ir/index.js';
import { seeded } from '../src/core/random.js';

const DAY = 86_400_000;
const policy: PlanPolicy = {
  name: 'bench',
  timezoneFallback: 'Europe/Paris',
  unknownTimezone: 'fallback',
  windows: [
    { days: [1, 2, 3, 4, 5], fromMin: 8 * 60, toMin: 20 * 60 },
    { days: [6], fromMin: 9 * 60, toMin: 13 * 60 },
  ],
  holidays: { country: 'FR', closedDays: ['2026-12-24', '2026-12-31'], dates: publicHolidayDates('FR') },
  frequencyCaps: [
    { channels: ['email', 'sms'], max: 7, perMs: 7 * DAY, onExceed: 'defer' },
    { channels: ['sms'], max: 1, perMs: DAY, onExceed: 'skip' },
  ],
  consent: { email: 'assumed', sms: 'required' },
  jitterMs: 0,
  smsOptOutKeywords: { '*': 'STOP' },
};

const ZONES = [
  'Europe/Paris',
  'America/Los_Angeles',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'America/Sao_Paulo',
  'Europe/Amsterdam',
];

function requests(n: number, shuffled: boolean): SendRequest[] {
  const r = seeded(42);
  const start = Date.parse('2026-01-01T00:00:00Z');
  const out: SendRequest[] = [];
  for (let i = 0; i < n; i++) {
    const requestedAt = start + Math.floor(r() * 700 * DAY);
    const contacts = 30 + Math.floor(r() * 31);
    const history = Array.from({ length: contacts }, () => ({
      at: requestedAt - Math.floor(r() * 90 * DAY),
      channel: (r() < 0.6 ? 'email' : 'sms') as Channel,
    }));
    if (!shuffled) history.sort((a, b) => a.at - b.at);
    out.push({
      channel: r() < 0.5 ? 'email' : 'sms',
      requestedAt,
      timezone: ZONES[i % ZONES.length]!,
      consent: { sms: r() < 0.9 },
      optedOut: r() < 0.03 ? ['sms'] : [],
      history,
    });
  }
  return out;
}

function run(label: string, reqs: SendRequest[], seconds: number): number {
  const counts: Record<string, number> = {};
  for (const q of reqs) {
    const d = decideSend(policy, q); // warm-up (and the outcome mix)
    counts[d.action] = (counts[d.action] ?? 0) + 1;
  }
  let n = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  while (performance.now() - t0 < seconds * 1000) {
    for (const q of reqs) decideSend(policy, q);
    n += reqs.length;
  }
  // CPU time of this (single-threaded) process, so other load on the machine does not count.
  const cpu = process.cpuUsage(cpu0);
  const elapsed = (cpu.user + cpu.system) / 1000;
  const perSecond = Math.round((n / elapsed) * 1000);
  const mix = Object.entries(counts)
    .map(([k, v]) => `${k} ${((v / reqs.length) * 100).toFixed(0)}%`)
    .join(', ');
  console.log(
    `${label.padEnd(34)} ${perSecond.toLocaleString('en-US').padStart(10)} decisions/s  (${(1e6 / perSecond).toFixed(2)} µs each; ${mix})`,
  );
  return perSecond;
}

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
console.log(
  `bench/policy — decideSend, 90-day history of 30–60 contacts, ${ZONES.length} zones, ${policy.holidays.dates.length} holiday dates, one core`,
);
const ordered = run('history in time order', requests(20_000, false), seconds);
const shuffled = run('history in random order', requests(20_000, true), seconds);
// The same-run reference: a fixed CPU loop (bench/support/calibrate.ts), so machines compare as a ratio.
const calibration = calibrationReference();
console.log(
  `target: ≥ 200,000 decisions/s; calibration loop ${Math.round(calibration.value).toLocaleString('en-US')} k rounds/CPU s → ${(ordered / 1000 / calibration.value).toFixed(3)} decisions per calibration round`,
);
writeBenchResult({
  bench: 'policy',
  params: { seconds },
  figures: [
    figure('policy.decisionsPerSecond', 'decideSend, history in time order', ordered, 'decisions/CPU s', {
      ...calibration,
      value: calibration.value * 1000,
      unit: 'rounds/CPU s',
    }),
    figure('policy.decisionsPerSecond.shuffled', 'decideSend, history in random order', shuffled, 'decisions/CPU s'),
  ],
});
