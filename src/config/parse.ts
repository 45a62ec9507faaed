/**
 * Parsers of single environment variables. Each one records a problem that names the variable,
 * says what is wrong with the value and how to write it, and returns a usable fallback, so that
 * loadConfig reports every problem of the environment in one pass.
 */
import { parseDuration, SETTING_UNITS } from '../core/duration.js';
import { accessSync, constants } from 'node:fs';

export type Env = Record<string, string | undefined>;

export interface HostPort {
  host: string;
  port: number;
}

/** The trimmed value, or undefined when unset or blank. */
export function opt(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

const HOST_PORT = /^(\[[^\]]+\]|[^:\s/]+):(\d{1,5})$/;

export function hostPort(env: Env, name: string, def: string, problems: string[]): HostPort {
  const raw = opt(env, name) ?? def;
  const m = HOST_PORT.exec(raw);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    problems.push(`${name}="${raw}" is not host:port (port 0-65535) — write e.g. ${def}`);
    const [h, p] = def.split(':');
    return { host: h!, port: Number(p) };
  }
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

export function url(env: Env, name: string, problems: string[], protocols: string[]): string | undefined {
  const raw = opt(env, name);
  if (raw === undefined) return undefined;
  try {
    const u = new URL(raw);
    if (!protocols.includes(u.protocol)) throw new Error('protocol');
    return raw;
  } catch {
    problems.push(`${name} is not a valid ${protocols.join(' or ')} URL — e.g. ${protocols[0]}//host:port`);
    return undefined;
  }
}

/** A value that must match `re`; `what` says what a valid one looks like. */
export function matching(env: Env, name: string, re: RegExp, what: string, problems: string[]): string | undefined {
  const raw = opt(env, name);
  if (raw === undefined) return undefined;
  if (!re.test(raw)) {
    problems.push(`${name} is malformed: ${what}`);
    return undefined;
  }
  return raw;
}

/** A path to a file this process can read (certificates, the workflow bundle). */
export function readableFile(env: Env, name: string, what: string, problems: string[]): string | undefined {
  const raw = opt(env, name);
  if (raw === undefined) return undefined;
  try {
    accessSync(raw, constants.R_OK);
    return raw;
  } catch {
    problems.push(`${name}="${raw}": no readable file there — it should be the path of ${what}`);
    return undefined;
  }
}

/** A duration such as 30s, 500ms, 2m. */
export function duration(env: Env, name: string, defMs: number, problems: string[]): number {
  const raw = opt(env, name);
  if (raw === undefined) return defMs;
  const ms = parseDuration(raw, SETTING_UNITS);
  if (ms === undefined) {
    problems.push(`${name}="${raw}" is not a duration — write a whole number with a unit, e.g. 30s, 500ms or 2m`);
    return defMs;
  }
  return ms;
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], def: T, problems: string[]): T {
  const raw = opt(env, name);
  if (raw === undefined) return def;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  problems.push(`${name}="${raw}" is not one of ${allowed.join(', ')}`);
  return def;
}
