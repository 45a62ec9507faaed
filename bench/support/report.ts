/**
 * Machine-readable bench results. Every bench prints its figures for people and, when the
 * environment names a file in BENCH_JSON, also writes them there as JSON: `npm run bench`
 * (bench/all.ts) gives each bench its own file and gathers them into one report.
 *
 * A figure is printed beside a reference measured in the same run (bare fastify, a raw
 * `workflow.start`, a bare `yaml` parse, the CPU calibration loop of calibrate.ts): the ratio is
 * what compares across machines, the absolute figure only on this one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';

export interface Reference {
  name: string;
  value: number;
  unit: string;
}

export interface Figure {
  /** Stable key (`pixel.temporal.ratio`…): what scripts such as scripts/capacity.ts read. */
  key: string;
  label: string;
  value: number;
  unit: string;
  /** The same-run reference the figure compares against, and value / reference. */
  reference?: Reference;
  ratio?: number;
  /** The goal in words ("≥ 0.8× bare fastify") and whether this run met it. */
  goal?: string;
  met?: boolean;
}

export interface BenchResult {
  bench: string;
  /** What the run was given (sizes, durations): figures of different sizes do not compare. */
  params: Record<string, string | number | boolean>;
  figures: Figure[];
  /** Anything else worth keeping (per-row tables, counters). */
  details?: Record<string, unknown>;
}

export interface BenchFile extends BenchResult {
  at: string;
  machine: { cpus: number; model: string; node: string; loadavg1: number };
}

/** A figure with its reference: the ratio is computed here. */
export function figure(
  key: string,
  label: string,
  value: number,
  unit: string,
  reference?: Reference,
  goal?: { text: string; met: boolean },
): Figure {
  return {
    key,
    label,
    value,
    unit,
    ...(reference && { reference, ratio: reference.value === 0 ? 0 : value / reference.value }),
    ...(goal && { goal: goal.text, met: goal.met }),
  };
}

export function machine(): BenchFile['machine'] {
  return {
    cpus: availableParallelism(),
    model: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadavg1: loadavg()[0] ?? 0,
  };
}

/** Writes `result` to $BENCH_JSON when set (returns the path), else does nothing. */
export function writeBenchResult(result: BenchResult, path = process.env.BENCH_JSON): string | undefined {
  if (path === undefined || path === '') return undefined;
  const file: BenchFile = { ...result, at: new Date().toISOString(), machine: machine() };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(file, null, 2) + '\n');
  return path;
}
