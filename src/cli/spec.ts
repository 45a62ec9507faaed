/**
 * The `settle` commands as data: name, arguments and options (with their defaults and allowed
 * values) of each. `settle --help`, `settle <command> --help` and the parsing all come from this
 * table, so the program knows every command without importing any of them: only the chosen
 * command's module is loaded (src/cli/main.ts). Keep this module light: commander and constants.
 */
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { LOG_LEVELS } from '../config/env.js';
import { ROLES } from '../config/roles.js';
import { UsageError } from './io.js';

export interface OptionSpec {
  /** commander flags: `--format <format>` takes a value, `--demo` is a switch, `--no-ui` turns one off. */
  flags: string;
  description: string;
  /** The allowed values; anything else is a usage error naming them. */
  choices?: readonly string[];
  default?: string;
  /** May be given more than once; the values are collected in order. */
  repeatable?: boolean;
}

export interface ArgumentSpec {
  /** commander syntax: `<name>` required, `[name]` optional, `[name...]` any number. */
  name: string;
  description: string;
  choices?: readonly string[];
}

export interface CommandSpec {
  /** One line in the command list of `settle --help`. */
  summary: string;
  /** What the command does, at the top of `settle <command> --help`. */
  description: string;
  args: readonly ArgumentSpec[];
  options: readonly OptionSpec[];
  /** Said after the option list of `settle <command> --help`. */
  notes?: string;
}

const FORMAT_TEXT_JSON = {
  flags: '--format <format>',
  description: 'output format',
  choices: ['text', 'json'],
  default: 'text',
};
const DIR = { flags: '--dir <dir>', description: 'the journeys directory', default: 'journeys' };

export const COMMANDS = {
  validate: {
    summary: 'check journeys, templates and policies',
    description:
      'Schema and semantic checks of every file, every problem at once, each at the offending node with a stable code and the fix. Exit 0 when clean (warnings allowed), 1 on any error.',
    args: [{ name: '[paths...]', description: 'journey files or directories (default: journeys)' }],
    options: [
      FORMAT_TEXT_JSON,
      { flags: '--no-color', description: 'no colours in the text report' },
      {
        flags: '--examples <dir>',
        description:
          'example enrollment records (*.json) every SMS template is rendered with, to warn about its segments (default: examples/records, when present)',
      },
    ],
  },
  plan: {
    summary: 'the compiled plan of one journey',
    description:
      'The compiled plan of one journey: steps, routes, timings and the contact policy of each send (text), the journey graph (mermaid) or the IR the workflow runs (json).',
    args: [{ name: '<journey>', description: 'a journey name, or the file that defines it' }],
    options: [{ ...FORMAT_TEXT_JSON, choices: ['text', 'mermaid', 'json'] }, DIR],
  },
  diff: {
    summary: 'what changed per journey, as Markdown',
    description:
      'What changed per journey, as Markdown for a pull request; exit 1 when a plan changed without a version bump. With --portfolio, the portfolio simulated before and after, and deployed mid-run with and without migrating the running journeys.',
    args: [
      { name: '[old]', description: 'the journeys before: a directory or file (without --base)' },
      { name: '[new]', description: 'the journeys after: a directory or file (without --base)' },
    ],
    options: [
      { flags: '--base <ref>', description: 'compare --dir at this git revision with the working tree' },
      DIR,
      {
        flags: '--portfolio <file>',
        description: 'also simulate this portfolio before and after (CSV, JSON or NDJSON)',
      },
      { flags: '--start <instant>', description: 'enrollment instant of the simulation (default: today 09:00 UTC)' },
      { flags: '--days <n>', description: 'days to simulate', default: '60' },
      { flags: '--behaviour <file>', description: 'a behaviour model, or none', default: 'none' },
      { flags: '--seed <seed>', description: 'seed of the simulation (a number or any text)', default: '1' },
      {
        flags: '--deploy-day <n>',
        description:
          'also forecast the change deployed on this day of the run, with the running journeys kept on their version and migrated (settle migrate); none: skip',
        default: '7',
      },
      {
        flags: '--record <file>',
        description: 'render changed templates for this enrollment record (JSON; default: a built-in example)',
      },
      {
        flags: '--max-chars <n>',
        description: 'keep the report under n characters: graphs, previews, then long diffs go first',
      },
      { flags: '--full-out <file>', description: 'also write the full, uncut report to this file' },
      { flags: '--cut-note <text>', description: 'said in a cut report, e.g. where the full report is' },
    ],
    notes: 'Give either --base REF or OLD and NEW.',
  },
  render: {
    summary: 'a message exactly as it would be sent',
    description:
      'A message of a template exactly as it would be sent, for one enrollment record; with --send-to, also sent there as a test.',
    args: [{ name: '<template>', description: 'the template name, or the file that defines it' }],
    options: [
      { flags: '--data <file>', description: 'one enrollment record as JSON (required)' },
      { flags: '--locale <locale>', description: "render this locale (default: the record's debtor.locale)" },
      {
        flags: '--paid <amount>',
        description:
          'as after a payment of this amount (debt.amountDue is what is left, debt.amountPaid what was paid)',
      },
      {
        flags: '--plan <instalments>',
        description:
          'as after agreeing a plan of this many instalments today (its first paid): debt.planNextAmount, debt.planNextDueDate…',
      },
      {
        flags: '--send-to <address>',
        description:
          'also send the message to this email address (email template) or E.164 phone number (SMS template), as a test',
      },
      FORMAT_TEXT_JSON,
      DIR,
    ],
    notes:
      "A test send goes through the worker's channels and configuration (SMTP_URL, SMTP_FROM; TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM; SETTLE_SECRET, SETTLE_PUBLIC_URL). Its links are marked as test links: the server answers them and records nothing. An email's subject starts with [TEST].",
  },
  enroll: {
    summary: 'segment a portfolio and start its journeys',
    description:
      'Compiles the journeys, then reads, validates and routes every row of the portfolio and starts its journey on Temporal. Bad and unmatched rows are listed as FILE:LINE (exit 1); Temporal unreachable is exit 3.',
    args: [{ name: '<file>', description: 'the portfolio: CSV, JSON or NDJSON' }],
    options: [
      { flags: '--journey <name>', description: 'enroll every row in this journey (no segmentation)' },
      DIR,
      { flags: '--time-scale <n>', description: 'journey time runs this many times faster (demos, tests)' },
      { flags: '--concurrency <n>', description: 'journeys started at once (default: 32)' },
      FORMAT_TEXT_JSON,
    ],
  },
  event: {
    summary: 'inject an engagement event into journeys',
    description: 'Injects an engagement event into every running journey of the debt, or the one named.',
    args: [
      { name: '<debt-id>', description: 'the debtId of the enrollment record' },
      { name: '<event>', description: 'the event type, e.g. paid, replied, optedOut' },
    ],
    options: [
      { flags: '--journey <name>', description: 'only this journey (default: every journey of the debt)' },
      { flags: '--message-id <id>', description: 'the message the event concerns' },
      DIR,
    ],
  },
  status: {
    summary: 'where a debt is in its journeys',
    description:
      'Where a debt is in its journeys, with the audit trail (the audit trail needs a running worker); with --debtor, every debt of one person; with --journey and no debt id, the running journeys of that journey (by step and version, from search attributes).',
    args: [{ name: '[debt-id]', description: 'the debtId of the enrollment record (not with --debtor)' }],
    options: [
      {
        flags: '--journey <name>',
        description:
          'only this journey (default: every journey of the project); without a debt id, list its running journeys',
      },
      { flags: '--step <step>', description: 'with --journey and no debt id: only journeys waiting at this step' },
      { flags: '--version <n>', description: 'with --journey and no debt id: only journeys on this version' },
      {
        flags: '--debtor <id>',
        description:
          "every debt of this debtor (debtor.id; found by its keyed hash, SETTLE_SECRET): each debt's journey, step and outcome, and the debtor's contact ledger",
      },
      DIR,
      FORMAT_TEXT_JSON,
    ],
  },
  migrate: {
    summary: 'move running journeys to a newer version',
    description:
      "Moves the running journeys of older versions of a journey to the version in the repository, at their next wait, keeping their history (the new version's migration: says from which versions and where each old step goes). Without --apply, a dry run: how many journeys would move from which step to which, and which would stay and why.",
    args: [],
    options: [
      {
        flags: '--to <version>',
        description: "the version to move to: the journey's version in the repository (required)",
      },
      { flags: '--journey <name>', description: 'only this journey (default: every journey at that version)' },
      { flags: '--dry-run', description: 'only report what would move (the default)' },
      { flags: '--apply', description: 'publish the plan and signal every journey that would move' },
      { flags: '--concurrency <n>', description: 'journeys signalled at once', default: '16' },
      DIR,
      FORMAT_TEXT_JSON,
    ],
    notes:
      'Idempotent: a re-run signals only journeys still on older versions, which ignore a request they already had.',
  },
  worker: {
    summary: 'run a Temporal worker for journeys',
    description:
      'Runs a Temporal worker for journeys until SIGINT/SIGTERM, configured from the environment (settle config check --for worker).',
    args: [],
    options: [{ flags: '--max-cached-workflows <n>', description: "workflows kept in the worker's cache" }],
  },
  server: {
    summary: 'the HTTP server (links, webhooks, metrics)',
    description:
      'The HTTP server: tracking, landing page, provider webhooks, /healthz, /readyz and /metrics on SETTLE_HTTP_ADDR, signalling journeys on Temporal.',
    args: [],
    options: [
      {
        flags: '--log-level <level>',
        description: 'log level (default: SETTLE_LOG_LEVEL, else info)',
        choices: LOG_LEVELS,
      },
    ],
  },
  dev: {
    summary: 'all of Settle on one machine (--demo)',
    description:
      'The whole of Settle on one machine (Temporal dev server, worker, HTTP server, SMTP and SMS sinks); with --demo, a synthetic portfolio flowing through the journeys.',
    args: [],
    options: [
      { flags: '--demo', description: 'enroll a synthetic portfolio and speed journey time up' },
      { flags: '--for <duration>', description: 'stop after this long, e.g. 90s or 5m (default: until Ctrl-C)' },
      { flags: '--json', description: 'print the summary as JSON' },
      {
        flags: '--time-scale <n>',
        description: 'journey time runs this many times faster (default: 43200 with --demo, else 1)',
      },
      { flags: '--debts <n>', description: 'debts in the demo portfolio', default: '300' },
      { flags: '--seed <n>', description: 'seed of the demo portfolio', default: '42' },
      { flags: '--no-ui', description: 'do not start the Temporal web UI' },
      DIR,
      { flags: '--state-dir <dir>', description: 'where the dev state and the outbox live', default: '.settle' },
    ],
  },
  experiments: {
    summary: 'A/B splits: conversion, intervals, tests and verdicts',
    description:
      "Every split's results as Prometheus has them: per variant the journeys ended, those paid and the money recovered, a 95 % interval on conversion (Wilson), a two-sided Fisher's exact test against the control (the split's holdout variant, else one named control or holdout, else the first by name) and a verdict, with the debts per arm still needed when a difference is not significant yet.",
    args: [{ name: '[journey]', description: 'only this journey (default: every journey with a split)' }],
    options: [
      {
        flags: '--prometheus <url>',
        description:
          'the Prometheus that scrapes the worker (default: SETTLE_PROMETHEUS_URL, else http://127.0.0.1:9090)',
      },
      { ...DIR, description: 'the journeys directory: which variants form each split and which is its holdout' },
      { flags: '--control <variant>', description: 'compare every variant with this one instead' },
      FORMAT_TEXT_JSON,
    ],
  },
  simulate: {
    summary: 'dry-run a portfolio on a virtual clock',
    description:
      'A dry run of a portfolio through the journeys on a virtual clock, with the production interpreter and contact policy, sending nothing.',
    args: [{ name: '[path]', description: 'the journeys directory (default: journeys)' }],
    options: [
      { flags: '--portfolio <file>', description: 'the portfolio: CSV, JSON or NDJSON (required)' },
      {
        flags: '--start <instant>',
        description: 'enrollment instant with a zone, e.g. 2026-11-23T09:00:00Z (required)',
      },
      { flags: '--days <n>', description: 'days to simulate, 1 to 3660 (required)' },
      { flags: '--behaviour <file>', description: 'a behaviour model, or none', default: 'none' },
      { flags: '--seed <seed>', description: 'seed (a number or any text)', default: '1' },
      { ...FORMAT_TEXT_JSON, choices: ['text', 'json', 'md', 'html'] },
      { flags: '--out <file>', description: 'write the report to this file instead of stdout' },
      {
        flags: '--cost <channel=price>',
        description: 'price of one message, e.g. sms=0.0079 (repeatable)',
        repeatable: true,
      },
      { flags: '--currency <code>', description: 'ISO 4217 currency of the costs, e.g. EUR' },
      {
        flags: '--workers <n>',
        description: 'worker threads (default: the cores); the report is the same with any number',
      },
    ],
  },
  config: {
    summary: 'check the environment of a process',
    description:
      'Validates the environment as the process would at start-up and prints the effective configuration, secrets hidden. Exit 2, with every problem, when it would not start.',
    args: [{ name: '<subcommand>', description: 'check', choices: ['check'] }],
    options: [
      { flags: '--for <role>', description: 'the process to check for', choices: ROLES, default: 'worker' },
      { flags: '--format <format>', description: 'output format', choices: ['text', 'json'], default: 'text' },
      { ...DIR, description: 'the journeys whose variables (webhook url: env:NAME) the worker must have' },
    ],
  },
  deploy: {
    summary: 'the checks before journey versions go out',
    description:
      'The checks before journey versions go out, as Markdown for the pull request: the journeys compile, changed plans have a higher version, and which running journeys the new versions concern.',
    args: [],
    options: [
      { flags: '--base <ref>', description: 'require a version bump for every plan changed since this git revision' },
      DIR,
      { flags: '--format <format>', description: 'output format', choices: ['md', 'json'], default: 'md' },
      { flags: '--require-temporal', description: 'exit 3 when Temporal is unreachable (else a note)' },
    ],
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

function choiceParser(flag: string, choices: readonly string[]): (value: string) => string {
  return (value) => {
    if (choices.includes(value)) return value;
    throw new InvalidArgumentError(`${flag} must be one of ${choices.join(', ')}.`);
  };
}

function option(spec: OptionSpec): Option {
  const o = new Option(spec.flags, spec.description);
  if (spec.choices) {
    // commander's own check would say "Allowed choices are …"; ours names the flag.
    o.choices(spec.choices).argParser(choiceParser(o.long ?? spec.flags, spec.choices));
  }
  if (spec.repeatable) o.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  if (spec.default !== undefined) o.default(spec.default);
  return o;
}

/** The commander command for `name`, without action or output settings. */
export function commandFor(name: CommandName): Command {
  const spec: CommandSpec = COMMANDS[name];
  const cmd = new Command(name).summary(spec.summary).description(spec.description);
  for (const a of spec.args) {
    const arg = new Argument(a.name, a.description);
    if (a.choices) arg.choices(a.choices);
    cmd.addArgument(arg);
  }
  for (const o of spec.options) cmd.addOption(option(o));
  if (spec.notes) cmd.addHelpText('after', `\n${spec.notes}`);
  return cmd;
}

/** One line for usage errors: `Usage: settle validate [options] [paths...]`. */
export function usageLine(cmd: Command): string {
  return `Usage: settle ${cmd.name()} ${cmd.usage()}`;
}

export interface Parsed<O> {
  /** The operands, in order. */
  args: string[];
  /** The options, defaults applied: `--max-cached-workflows` is `maxCachedWorkflows`, `--no-ui` is `ui`. */
  opts: O;
}

/**
 * Parses a command's own argv (what follows `settle <command>`) against its table entry. A bad
 * argv throws UsageError with commander's message; nothing is printed and the process never exits.
 */
export function parseCommand<O>(name: CommandName, argv: readonly string[]): Parsed<O> {
  const cmd = commandFor(name)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw new UsageError(e.message.replace(/^error: /, ''));
    throw e;
  }
  return { args: cmd.args, opts: cmd.opts<O & Record<string, unknown>>() };
}
