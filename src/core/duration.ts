/**
 * Journey durations (`timeout: 3d`, `per: 7d`, `initialInterval: 1m`) as absolute milliseconds.
 * `d` is exactly 24 h and `w` 7 × 24 h (docs/reference.md#durations): a daylight-saving change never stretches
 * them, so the same text means the same number in the compiler and in the workflow.
 * Workflow-safe: pure arithmetic.
 */

const UNIT_MS = {
  w: 7 * 24 * 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
  h: 60 * 60 * 1000,
  m: 60 * 1000,
  s: 1000,
  ms: 1,
} as const;

type Unit = Exclude<keyof typeof UNIT_MS, 'ms'>;

/** The units a setting may use: the journeys' less the days and weeks, plus milliseconds (SETTLE_SHUTDOWN_GRACE=500ms). */
export const SETTING_UNITS = ['ms', 's', 'm', 'h'] as const;

/** Largest first, so formatDuration picks the largest exact unit. */
const UNITS_DESCENDING: readonly Unit[] = ['w', 'd', 'h', 'm', 's'];

const DURATION_PATTERN = /^(\d+)(ms|[smhdw])$/;

/**
 * Parses `<n>s|m|h|d|w` (`m` = minutes) into milliseconds, or undefined when the text is not a
 * duration (no spaces, no sign, no fractions, no combined units like `1h30m`). `units` narrows or
 * changes the units allowed (settings: SETTING_UNITS).
 */
export function parseDuration(
  text: string,
  units: readonly (keyof typeof UNIT_MS)[] = UNITS_DESCENDING,
): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  const unit = match[2] as keyof typeof UNIT_MS;
  if (!units.includes(unit)) return undefined;
  const ms = Number(match[1]) * UNIT_MS[unit];
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * Formats milliseconds with the largest unit that divides them exactly: 259200000 → '3d',
 * 90000 → '90s'. Amounts that are not whole seconds fall back to `<n>ms` (display only: the
 * authoring format has no `ms`).
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`not a finite duration: ${ms}`);
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  for (const unit of UNITS_DESCENDING) {
    if (abs % UNIT_MS[unit] === 0) return `${sign}${abs / UNIT_MS[unit]}${unit}`;
  }
  return `${sign}${abs}ms`;
}

/**
 * Formats milliseconds as compound units, largest first, for plan views: 259200000 → '3d',
 * 5400000 → '1h30m' (where formatDuration gives the one-unit authoring form, '90m').
 */
export function formatCompoundDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatCompoundDuration(-ms)}`;
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const n = Math.floor(rest / UNIT_MS[unit]);
    if (n > 0) {
      parts.push(`${n}${unit}`);
      rest -= n * UNIT_MS[unit];
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join('');
}

/** Formats minutes after local midnight as HH:MM (1440 → "24:00", the end of the day). */
export function formatClock(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}
