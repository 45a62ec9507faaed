/**
 * The progress line of `settle enroll` on a terminal's stderr: one `\r`-rewritten line with
 * rows done (of the total when known), the rate, and the counts so far. Redrawn at most ten
 * times a second — drawing each of a million rows would cost more than enrolling them.
 */
import type { EnrollProgress } from '../../enrollment/enroll.js';
import type { Io } from '../io.js';

const REDRAW_MS = 100;

export interface ProgressLine {
  update: (p: EnrollProgress) => void;
  /** Clears the line (the summary follows on stdout). */
  done: () => void;
}

export function progressLine(io: Io, total: number | undefined, clock: () => number = Date.now): ProgressLine {
  const startedAt = clock();
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = clock();
      if (now - last < REDRAW_MS && p.done !== total) return;
      last = now;
      drawn = true;
      const seconds = Math.max((now - startedAt) / 1000, 0.001);
      const of = total !== undefined ? `/${total}` : '';
      io.err(
        `\r\x1b[Kenrolling ${p.done}${of} rows  ${Math.round(p.done / seconds)}/s  started ${p.started}, updated ${p.updated}, already enrolled ${p.alreadyEnrolled}`,
      );
    },
    done() {
      if (drawn) io.err('\r\x1b[K');
      drawn = false;
    },
  };
}
