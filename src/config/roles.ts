/**
 * What each long-running process needs beyond the defaults, checked together with the format of
 * every variable so that one start-up reports everything that is wrong: the worker sends (secret,
 * SMTP, Twilio all-or-nothing), the server signs and verifies links (secret).
 */
import { ConfigError, parseConfig, SECRET_MISSING, type Config } from './env.js';
import { opt, type Env } from './parse.js';

export const ROLES = ['worker', 'server', 'client'] as const;
export type Role = (typeof ROLES)[number];

/** Variables `role` cannot run without (presence only: their format is loadConfig's business). */
function requirements(role: Role, env: Env): string[] {
  const problems: string[] = [];
  if (role === 'client') return problems;
  if (opt(env, 'SETTLE_SECRET') === undefined) problems.push(SECRET_MISSING);
  if (role === 'worker') {
    if (opt(env, 'SMTP_URL') === undefined) {
      problems.push(
        'SMTP_URL is not set: the worker sends email through it — e.g. smtp://user:pass@smtp.example.com:587 (`settle dev` starts a local one)',
      );
    }
    const twilio = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'];
    const missing = twilio.filter((k) => opt(env, k) === undefined);
    if (missing.length > 0 && missing.length < 3) {
      problems.push(
        `${missing.join(' and ')} not set: Twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM together (unset all three to use the local SMS sink)`,
      );
    }
  }
  return problems;
}

/** loadConfig plus what `role` requires; one ConfigError lists every problem. */
export function loadConfigFor(role: Role, env: Env = process.env): Config {
  const { config, problems } = parseConfig(env);
  problems.push(...requirements(role, env));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
