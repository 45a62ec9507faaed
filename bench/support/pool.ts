/** Small helpers shared by the benchmarks: a bounded pool of async jobs and number formatting. */

/** Runs `job` over `items` with at most `concurrency` in flight; resolves when all are done. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  job: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await job(items[i]!, i);
    }
  });
  await Promise.all(lanes);
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const pad = (s: string | number, n: number): string => String(s).padEnd(n);
export const lpad = (s: string | number, n: number): string => String(s).padStart(n);
