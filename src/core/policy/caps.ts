/**
 * Rolling-window frequency caps over a debtor's contact history. A cap `max per P` on a set of
 * channels holds when no window `(s − P, s]` holds more than `max` contacts on those channels.
 * A new send at `t` is allowed by the cap when every such window that contains `t` still holds
 * at most `max` contacts once the send is added. Two instants share a window iff they are less
 * than P apart, so with the contacts sorted, the send is refused iff some run of `max` history
 * contacts around `t` (i of them at or before it, max − i after it) spans, with `t`, less than P.
 * Contacts after `t` (a send another journey already scheduled) are counted too.
 *
 * Scope: the asking debt's contacts carry their channel bits (CHANNEL_BIT), the contacts of the
 * debtor's other debts the same bits shifted by OTHER_DEBT_SHIFT. A debt-scoped cap's mask has
 * the plain bits, so it counts only the asking debt; a debtor-scoped cap (and the policy's
 * minimum gap) has both, so it counts every debt of the person.
 *
 * The history is copied into module-level typed arrays (sorted there; callers pass it in any
 * order), so a decision allocates nothing here. Workflow-safe: pure, synchronous.
 */
import type { Channel } from '../../ir/index.js';
import { CHANNEL_BIT, OTHER_DEBT_SHIFT, type CompiledCap } from './compiled.js';

let times = new Float64Array(128);
let masks = new Uint8Array(128);
let count = 0;
let behind = new Float64Array(16);
let ahead = new Float64Array(16);
let loadedSorted = true;

type Loadable = readonly { at: number; channel: Channel }[];

/** Copies `list` into the working arrays from index `i` with its channel bits shifted by `shift`; returns the next index. */
function fill(list: Loadable, shift: number, i: number): number {
  for (let j = 0; j < list.length; j++, i++) {
    const h = list[j]!;
    times[i] = h.at;
    masks[i] = (CHANNEL_BIT[h.channel] ?? 0) << shift;
    if (i > 0 && h.at < times[i - 1]!) loadedSorted = false;
  }
  return i;
}

/**
 * Loads the history (any order) into the sorted working arrays; returns the number of contacts.
 * `others`: the contacts of the debtor's other debts, one list per debt (counted only by
 * debtor-scoped caps).
 */
export function loadHistory(history: Loadable, others?: readonly Loadable[]): number {
  let n = history.length;
  if (others !== undefined) for (let k = 0; k < others.length; k++) n += others[k]!.length;
  if (times.length < n) {
    times = new Float64Array(n * 2);
    masks = new Uint8Array(n * 2);
  }
  loadedSorted = true;
  let i = fill(history, 0, 0);
  if (others !== undefined) for (let k = 0; k < others.length; k++) i = fill(others[k]!, OTHER_DEBT_SHIFT, i);
  count = n;
  if (!loadedSorted) sortLoaded(n);
  return n;
}

let keys = new Float64Array(128);

/**
 * Sorts the loaded contacts by time. Integer times (epoch ms) are packed with their channel bits
 * as `at * 16 + mask` — exact for any date within 8,000 years of 1970 — and sorted natively as
 * one typed array.
 */
function sortLoaded(n: number): void {
  if (keys.length < n) keys = new Float64Array(n * 2);
  let packable = true;
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    if (!Number.isInteger(t) || Math.abs(t) > 2 ** 48) packable = false;
    keys[i] = t * 16 + masks[i]!;
  }
  if (packable) {
    const view = keys.subarray(0, n).sort();
    for (let i = 0; i < n; i++) {
      const k = view[i]!;
      const t = Math.floor(k / 16);
      times[i] = t;
      masks[i] = k - t * 16;
    }
    return;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => times[a]! - times[b]!);
  const t2 = times.slice(0, n);
  const m2 = masks.slice(0, n);
  for (let i = 0; i < n; i++) {
    times[i] = t2[order[i]!]!;
    masks[i] = m2[order[i]!]!;
  }
}

/** First index whose time is > t. */
function upperBound(t: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * 0 when a send at `t` keeps `cap`, else a lower bound (> t) on the next instant that could:
 * all instants in [t, bound) are refused by this cap.
 */
export function capBound(cap: CompiledCap, t: number): number {
  const { mask, max, perMs } = cap;
  if (behind.length < max) {
    behind = new Float64Array(max * 2);
    ahead = new Float64Array(max * 2);
  }
  const p = upperBound(t);
  let nb = 0;
  for (let i = p - 1; i >= 0 && nb < max; i--) {
    if (t - times[i]! >= perMs) break;
    if (masks[i]! & mask) behind[nb++] = times[i]!;
  }
  let na = 0;
  for (let i = p; i < count && na < max; i++) {
    if (times[i]! - t >= perMs) break;
    if (masks[i]! & mask) ahead[na++] = times[i]!;
  }
  if (nb + na < max) return 0;
  let bound = 0;
  // i contacts at or before t (the i latest), max − i after it (the earliest).
  for (let i = Math.max(0, max - na); i <= Math.min(max, nb); i++) {
    const lo = i > 0 ? behind[i - 1]! : t;
    const hi = max - i > 0 ? ahead[max - i - 1]! : t;
    if (hi - lo < perMs) {
      // Until `lo` leaves (t ≥ lo + P) the run stays within P of t; with i = 0 nothing changes
      // before t passes the first later contact.
      const b = i > 0 ? lo + perMs : ahead[0]!;
      if (b > bound) bound = b;
    }
  }
  return bound;
}

/** How many contacts on the cap's channels lie in (t − P, t] (for messages). */
export function countInWindow(cap: CompiledCap, t: number): number {
  let n = 0;
  for (let i = upperBound(t) - 1; i >= 0 && t - times[i]! < cap.perMs; i--) if (masks[i]! & cap.mask) n++;
  return n;
}
