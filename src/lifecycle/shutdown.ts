/**
 * Process shutdown for the long-running commands (`settle dev`, `settle worker`, `settle server`):
 * one owner of SIGINT/SIGTERM per process, and clean-up steps that each have a deadline.
 *
 * - The first signal starts a graceful stop (the `requested` promise resolves); a second one
 *   forces the process out at once with a one-line message and a non-zero code (130 for SIGINT,
 *   143 for SIGTERM), abandoning what is in flight: activities are idempotent and Temporal
 *   retries them on the next worker.
 * - `step` runs one clean-up step and gives up on it after its deadline, so nothing waiting on a
 *   ledger, a webhook, SMTP or a Temporal call can hold the process forever.
 * - `watchdog` is the last resort: if the whole stop has not finished by its deadline, the process
 *   exits anyway.
 * See docs/operations.md (Lifecycle).
 */

export type ShutdownReason = NodeJS.Signals | 'timer' | 'failure';

export interface ShutdownSignals {
  /** Resolves with the first signal (or `trigger`'s reason). */
  readonly requested: Promise<ShutdownReason>;
  /** The reason once requested, undefined before. */
  readonly reason: ShutdownReason | undefined;
  /** Starts the graceful stop without a signal (`settle dev --for`). Idempotent. */
  trigger(reason: ShutdownReason): void;
  /** Stops listening (the process's other listeners, if any, are left alone). */
  dispose(): void;
}

export interface ShutdownSignalOptions {
  /** Which signals stop the process (default SIGINT and SIGTERM). */
  signals?: NodeJS.Signals[];
  /** Where the one-line message of a forced exit goes (default stderr). */
  write?: (line: string) => void;
  /** How the process is forced out (default process.exit; tests pass their own). */
  exit?: (code: number) => void;
  /** Called on the first signal, before `requested` resolves (e.g. to log it). */
  onFirst?: (reason: ShutdownReason) => void;
}

/** The conventional exit code of a process stopped by a signal: 128 + its number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1;
}

/**
 * Takes SIGINT/SIGTERM for this process. Temporal's own handlers are off (installRuntime in
 * src/temporal/runtime.ts installs the SDK runtime with `shutdownSignals: []`).
 */
export function handleShutdownSignals(o: ShutdownSignalOptions = {}): ShutdownSignals {
  const signals = o.signals ?? ['SIGINT', 'SIGTERM'];
  const write = o.write ?? ((line: string) => void process.stderr.write(line));
  const exit = o.exit ?? ((code: number) => process.exit(code));
  let reason: ShutdownReason | undefined;
  let resolve: (r: ShutdownReason) => void = () => undefined;
  const requested = new Promise<ShutdownReason>((r) => (resolve = r));
  const trigger = (r: ShutdownReason) => {
    if (reason !== undefined) return;
    reason = r;
    o.onFirst?.(r);
    resolve(r);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    // A signal while stopping already (on a signal or on `settle dev --for`'s timer) means "now".
    if (reason === undefined) return trigger(signal);
    write(`settle: ${signal} again while stopping: exiting now (work in flight is retried by Temporal)\n`);
    exit(signalExitCode(signal));
  };
  for (const s of signals) process.on(s, onSignal);
  return {
    requested,
    get reason() {
      return reason;
    },
    trigger,
    dispose: () => {
      for (const s of signals) process.off(s, onSignal);
    },
  };
}

export type StepOutcome = 'done' | 'timeout' | 'failed';

/**
 * Runs one clean-up step with a deadline. Never throws: a failure or a timeout is reported through
 * `log` and the stop goes on (the step's work is abandoned; its promise is left to settle alone).
 */
export async function step(
  name: string,
  deadlineMs: number,
  fn: () => Promise<unknown> | unknown,
  log: (line: string) => void,
): Promise<StepOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<StepOutcome>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, deadlineMs));
  });
  const run = (async () => {
    await fn();
    return 'done' as const;
  })().catch((e: unknown) => {
    log(`shutdown: ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
    return 'failed' as const;
  });
  try {
    const outcome = await Promise.race([run, timeout]);
    if (outcome === 'timeout') log(`shutdown: ${name} did not finish within ${deadlineMs} ms: abandoned`);
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Exits the process with `code` if it is still stopping after `ms`. The timer does not keep the
 * process alive; call the result to cancel it once the stop finished.
 */
export function watchdog(
  ms: number,
  message: string,
  o: { write?: (line: string) => void; exit?: (code: number) => void; code?: number } = {},
): () => void {
  const write = o.write ?? ((line: string) => void process.stderr.write(line));
  const exit = o.exit ?? ((code: number) => process.exit(code));
  const timer = setTimeout(() => {
    write(`${message}\n`);
    exit(o.code ?? 1);
  }, ms);
  timer.unref();
  return () => clearTimeout(timer);
}
