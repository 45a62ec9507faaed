/**
 * A fixed CPU calibration loop: the same integer and floating-point work, object allocation and
 * Map traffic on every machine, timed in this thread's CPU time. Benches that measure pure CPU
 * work (the simulator, the compiler, the policy engine) print their figure beside
 * `calibrationRate()` from the same run, so a figure measured on a faster or busier machine can
 * be compared as a ratio ("N debt-journeys per calibration unit") instead of an absolute rate.
 *
 * One unit is one round of the loop below; the rate is rounds per CPU second (median of a few
 * short trials, so a trial that lost the core to another process counts less).
 */
import { threadCpuUsage } from 'node:process';

/** One round: ~a few microseconds of mixed work that V8 cannot fold away (its result is kept). */
function round(seed: number, map: Map<number, number>): number {
  let x = seed | 0;
  let f = 0;
  for (let i = 0; i < 200; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) | 0;
    f += Math.sqrt((x >>> 0) % 10_007) / (1 + (i & 7));
  }
  const o = { k: x & 1023, v: f };
  map.set(o.k, (map.get(o.k) ?? 0) + o.v);
  return x ^ (f | 0);
}

const cpuMs = (): number => {
  const u = threadCpuUsage();
  return (u.user + u.system) / 1000;
};

let sink = 0;

/** Calibration rounds per CPU second of this thread (median of `trials` trials of ~`trialMs` each). */
export function calibrationRate(trials = 5, trialMs = 200): number {
  const map = new Map<number, number>();
  const rates: number[] = [];
  for (let t = 0; t < trials; t++) {
    const start = cpuMs();
    let rounds = 0;
    while (cpuMs() - start < trialMs) {
      for (let i = 0; i < 1000; i++) sink ^= round(rounds + i, map);
      rounds += 1000;
    }
    rates.push((rounds * 1000) / (cpuMs() - start));
  }
  rates.sort((a, b) => a - b);
  if (sink === 42) rates.push(0); // keeps `sink` (and so the work) observable
  return rates[Math.floor(rates.length / 2)]!;
}

/** The reference of report.ts for a calibration rate, in thousands of rounds per CPU second. */
export function calibrationReference(rate = calibrationRate()): { name: string; value: number; unit: string } {
  return { name: 'CPU calibration loop (bench/support/calibrate.ts)', value: rate / 1000, unit: 'k rounds/CPU s' };
}
