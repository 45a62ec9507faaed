/**
 * settle render TEMPLATE --locale L --data FILE: a message exactly as it would be sent; with
 * --send-to ADDRESS|PHONE also sent there as a test, through the worker's channels (render-send.ts).
 */
import { readFileSync, existsSync } from 'node:fs';
import { renderMessage } from '../../templates/index.js';
import { codePointName, smsLength } from '../../core/sms-segments.js';
import { validateRecord } from '../../project/record.js';
import { closestName } from '../../core/suggest.js';
import type { EnrollmentData, PlanTemplate } from '../../ir/index.js';
import { fromMinorUnits, instalmentScheduleMinorUnits } from '../../core/money.js';
import { currentRecord } from '../../workflows/money.js';
import { applyEvent, freshState } from '../../workflows/state.js';
import { CliError, EXIT, resolvePath, UsageError, type Io } from '../io.js';
import { displayPath, failOnErrors, loadProject, loadProjectOf } from '../project.js';
import { parseCommand } from '../spec.js';
import type { TestSendResult, TestSendWiring } from './render-send.js';

interface Options {
  locale?: string;
  paid?: string;
  plan?: string;
  data?: string;
  dir: string;
  format: 'text' | 'json';
  sendTo?: string;
}

export interface RenderEnv {
  publicUrl: string;
  nowMs: number;
  /** The environment (docs/operations.md): the SMTP, Twilio and link settings of a test send. */
  vars?: Record<string, string | undefined>;
}

/**
 * The record as a running journey would show it after `--paid` and/or `--plan`: the journey's own
 * money code applies the payments (src/workflows/money.ts), so the preview says the same amounts
 * and dates as the messages, the payment page and Stripe.
 */
function afterPayments(record: EnrollmentData, o: Options, nowMs: number): EnrollmentData {
  if (o.paid === undefined && o.plan === undefined) return record;
  const state = freshState('', nowMs, record);
  const { currency } = record.debt;
  const at = new Date(nowMs).toISOString();
  if (o.paid !== undefined) {
    const amount = Number(o.paid);
    if (!Number.isFinite(amount) || amount <= 0)
      throw new UsageError(`--paid must be a positive amount, got ${o.paid}`);
    applyEvent(state, { eventId: 'preview-paid', type: 'partiallyPaid', at, data: { amount, currency } }, nowMs);
  }
  if (o.plan !== undefined) {
    const count = Number(o.plan);
    if (!Number.isInteger(count) || count < 2 || count > 24) {
      throw new UsageError(`--plan must be a number of instalments from 2 to 24, got ${o.plan}`);
    }
    const first = instalmentScheduleMinorUnits(state.money!.due, currency, count)[0]!;
    applyEvent(
      state,
      {
        eventId: 'preview-plan',
        type: 'partiallyPaid',
        at,
        data: { amount: fromMinorUnits(first, currency), currency, instalments: count },
      },
      nowMs,
    );
  }
  return currentRecord({ enrollment: record }, state);
}

/** The template a file defines (compiled with its own project), or the name as given. */
function templateTarget(target: string, values: Options, io: Io) {
  const isFile = /\.ya?ml$/i.test(target) || existsSync(resolvePath(io, target));
  if (!isFile) return { name: target, result: loadProject(values.dir ?? 'journeys', io) };
  const result = loadProjectOf(target, io);
  const shown = displayPath(target, io);
  const found = [...result.project.templates.values()].find((t) => t.file === shown);
  if (!found) {
    failOnErrors(result, new Set([shown]), io, shown);
    throw new CliError(`${shown} does not define a Template`, EXIT.invalid);
  }
  return { name: found.doc.metadata.name, result };
}

export function render(argv: string[], io: Io, env: RenderEnv, wiring?: TestSendWiring): number | Promise<number> {
  const { args: positionals, opts: values } = parseCommand<Options>('render', argv);
  const format = values.format;
  if (positionals.length !== 1) throw new UsageError('render takes exactly one template name or file');
  if (!values.data) throw new UsageError('render needs --data FILE (one enrollment record as JSON)');
  if (!existsSync(resolvePath(io, values.data))) throw new CliError(`${values.data}: no such file`, EXIT.usage);
  const { name, result } = templateTarget(positionals[0]!, values, io);
  const res = result.project.templates.get(name);
  if (!res) {
    const hint = closestName(name, result.project.templates.keys());
    throw new CliError(`no template named "${name}"${hint ? ` — did you mean "${hint}"?` : ''}`, EXIT.invalid);
  }
  failOnErrors(result, new Set([res.file]), io, `template ${name}`);

  let record: unknown;
  try {
    record = JSON.parse(readFileSync(resolvePath(io, values.data), 'utf8'));
  } catch (e) {
    throw new CliError(`${values.data}: not valid JSON (${(e as Error).message})`, EXIT.invalid);
  }
  const attributes = Object.fromEntries(
    [...result.project.attributes.values()].flatMap((a) => Object.entries(a.doc.spec)),
  );
  const problems = validateRecord(record, attributes);
  if (problems.length > 0) {
    throw new CliError(
      `${values.data}: not a valid enrollment record:\n${problems.map((p) => `  ${p.field} ${p.message}`).join('\n')}`,
      EXIT.invalid,
    );
  }
  record = afterPayments(record as EnrollmentData, values, env.nowMs);
  const spec = res.doc.spec;
  const template: PlanTemplate = {
    name,
    channel: spec.channel,
    defaultLocale: spec.defaultLocale,
    locales: spec.locales,
  };
  const rec = record as { debtor: { locale?: string; timezone?: string } };
  const locale = values.locale ?? rec.debtor.locale;
  if (values.locale && !(values.locale in spec.locales) && !(values.locale.split('-')[0]! in spec.locales)) {
    io.err(
      `note: template ${name} has no locale ${values.locale}; rendering ${spec.defaultLocale} as a debtor with that locale would get\n`,
    );
  }
  const base = env.publicUrl.replace(/\/+$/, '');
  const msg = renderMessage(
    template,
    locale,
    record as never,
    { pay: `${base}/p/preview`, optOut: `${base}/u/preview` },
    {
      nowMs: env.nowMs,
      ...(rec.debtor.timezone !== undefined && { timezone: rec.debtor.timezone }),
    },
  );
  // What the carrier bills: characters, encoding and segments (src/core/sms-segments.ts).
  const sms = spec.channel === 'sms' ? smsLength(msg.text) : undefined;
  const print = (sent?: TestSendResult): number => {
    if (format === 'json') {
      const out = { template: name, channel: spec.channel, ...msg, ...(sms && { sms }), ...(sent && { sent }) };
      io.out(JSON.stringify(out, null, 2) + '\n');
    } else {
      printText(io, name, spec.channel, msg, sms);
      if (sent) io.err(sentLine(name, sent));
    }
    return EXIT.ok;
  };
  const to = values.sendTo;
  if (to === undefined) return print();
  return (async () => {
    // Loaded only now: the send pulls in the channels (nodemailer, Twilio) that rendering does not need.
    const { checkRecipient, sendTestMessage } = await import('./render-send.js');
    checkRecipient(to, template);
    const sent = await sendTestMessage({
      template,
      record: record as EnrollmentData,
      locale: values.locale,
      to,
      vars: env.vars ?? {},
      nowMs: env.nowMs,
      ...(wiring && { wiring }),
    });
    return print(sent);
  })();
}

/** What a test send reports: ids, channel and the masked recipient, nothing personal. */
function sentLine(template: string, sent: TestSendResult): string {
  const what = sent.channel === 'email' ? 'test email' : 'test SMS';
  const ids = sent.providerId !== undefined && sent.providerId !== sent.messageId ? ` (${sent.providerId})` : '';
  const segments = sent.segments !== undefined ? `, ${sent.segments} segment${sent.segments === 1 ? '' : 's'}` : '';
  return `sent ${template} as a ${what} to ${sent.to}: message ${sent.messageId}${ids}, locale ${sent.locale}${segments}; its links are test links (the server records nothing for them)\n`;
}

function printText(
  io: Io,
  name: string,
  channel: string,
  msg: ReturnType<typeof renderMessage>,
  sms: ReturnType<typeof smsLength> | undefined,
): void {
  const parts = [`# ${name} · ${channel} · locale ${msg.locale}`];
  if (sms) {
    const others = sms.nonGsm.length > 0 ? ` (not GSM-7: ${sms.nonGsm.map(codePointName).join(' ')})` : '';
    parts.push(
      `# ${sms.characters} characters · ${sms.encoding}${others} · ${sms.segments} segment${sms.segments === 1 ? '' : 's'}`,
    );
  }
  if (msg.subject !== undefined) parts.push(`Subject: ${msg.subject}`);
  parts.push('', msg.text.trimEnd());
  if (msg.html !== undefined) parts.push('', '--- html ---', msg.html.trimEnd());
  io.out(parts.join('\n') + '\n');
}
