/** Small CLI plumbing: exit codes (docs/ARCHITECTURE.md), usage errors and output helpers. */
import { resolve } from 'node:path';
export const EXIT = { ok: 0, invalid: 1, usage: 2, unavailable: 3 } as const;

export class UsageError extends Error {}

/** An expected failure with a message for the user (no stack trace), and its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.invalid,
  ) {
    super(message);
  }
}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  color: boolean;
  cwd: string;
  /** stderr is a terminal: long commands may draw a progress line there. */
  progress?: boolean;
}

export function processIo(): Io {
  // A reader that stops early (`settle --help | head`) closes the pipe: what is left has nowhere to go.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    cwd: process.cwd(),
    progress: Boolean(process.stderr.isTTY),
  };
}

/** A path given on the command line, resolved against the command's working directory. */
export function resolvePath(io: Io, p: string): string {
  return resolve(io.cwd, p);
}
