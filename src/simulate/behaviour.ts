/**
 * Loading a behaviour model (behaviour-schema.ts) and drawing each message's response from it.
 *
 * The funnel is a chain: delivered → opened → clicked → visited → paid | partiallyPaid, each
 * stage conditional on the previous one that the model names (a stage the model leaves out is
 * passed through without an event, so an SMS model without `opened` clicks straight after
 * delivery). A message that is not delivered bounces. `replied` and `optedOut` are drawn apart,
 * after delivery; `promised` after a visit without payment (the date `within` ahead, `kept` of
 * them paid before it). Every delay counts from the previous stage's event. Draws are seeded by the
 * message's idempotency key and the run's seed, so a seed gives the same responses whatever the
 * order or the size of the portfolio.
 */
import { readFileSync } from 'node:fs';
import { load as loadYaml } from 'js-yaml';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { Locator } from '../compiler/locate.js';
import { createAjv } from '../compiler/structural.js';
import { parseDuration } from '../core/duration.js';
import { seeded, seedOf, type Rng } from '../core/random.js';
import type { Channel, EngagementEvent } from '../ir/index.js';
import {
  BehaviourDocument,
  STAGES,
  type BehaviourDoc,
  type ChannelModelSpec,
  type DelaySpec,
  type MatchSpec,
  type StageName,
  type StageSpec,
} from './behaviour-schema.js';

export interface BehaviourProblem {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

export class BehaviourError extends Error {
  constructor(readonly problems: BehaviourProblem[]) {
    super(
      problems.map((p) => `${p.file}:${p.line}:${p.column}  ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'),
    );
  }
}

/** What a message's response may depend on. */
export interface MessageFacts {
  key: string;
  channel: Channel;
  journey: string;
  segment?: string;
  variant?: string;
  step: string;
}

export interface PlannedEvent {
  type: EngagementEvent;
  /** Delay after the send, ms (always ≥ 1 s, so a response never ties with its send). */
  afterMs: number;
  /** `promised`: the promised date is this long after the promise (ms). */
  withinMs?: number;
  /** The payment of a kept promise: only when the journey took the promise. */
  keeps?: true;
}

export interface Costs {
  currency?: string;
  email?: number;
  sms?: number;
}

/** A behaviour model ready to answer messages. */
export interface Behaviour {
  name: string;
  costs: Costs;
  partialShare: number;
  respond(msg: MessageFacts, seed: number): PlannedEvent[];
  /** The document it was compiled from (a worker thread compiles its own copy from it). */
  doc?: BehaviourDoc;
}

/** Nobody opens, clicks or pays: the exact contact schedule (`--behaviour none`). */
export const NO_BEHAVIOUR: Behaviour = { name: 'none', costs: {}, partialShare: 0.5, respond: () => [] };

let validator: ValidateFunction | undefined;

/** Parses and validates a behaviour file's text; every problem at once, with line and column. */
export function parseBehaviour(text: string, file: string): Behaviour {
  let doc: unknown;
  try {
    doc = loadYaml(text);
  } catch (e) {
    const mark = (e as { mark?: { line: number; column: number } }).mark;
    const reason = (e as { reason?: string }).reason ?? (e as Error).message;
    throw new BehaviourError([
      {
        file,
        line: (mark?.line ?? 0) + 1,
        column: (mark?.column ?? 0) + 1,
        path: '',
        message: `not valid YAML: ${reason}`,
      },
    ]);
  }
  validator ??= createAjv().compile(BehaviourDocument);
  if (!validator(doc)) {
    const locator = new Locator(text);
    const seen = new Set<string>();
    const problems: BehaviourProblem[] = [];
    for (const e of validator.errors ?? []) {
      // A union (delay) reports every branch; its own message is the useful one.
      if (
        e.keyword !== 'anyOf' &&
        (validator.errors ?? []).some((o) => o.keyword === 'anyOf' && e.instancePath === o.instancePath)
      )
        continue;
      const at = e.instancePath
        .split('/')
        .slice(1)
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
      const p = e.params as Record<string, unknown>;
      let message = e.message ?? 'is invalid';
      if (e.keyword === 'additionalProperties')
        message = `unknown field "${String(p.additionalProperty)}"${hintFor(at, String(p.additionalProperty))}`;
      else if (e.keyword === 'required') message = `"${String(p.missingProperty)}" is required`;
      else if (e.keyword === 'anyOf')
        message = 'a delay is a duration (20s, 2h, 1d), { uniform: [min, max] } or { exponential: mean }';
      else if (e.keyword === 'pattern' && /\(s\|m\|h\|d\|w\)/.test(String(p.pattern)))
        message = `"${String(e.data)}" is not a duration: write a whole number and s, m (minutes), h, d or w`;
      const extra = e.keyword === 'additionalProperties';
      const span = locator.locate(extra ? [...at, String(p.additionalProperty)] : at, extra);
      const path = at.join('.');
      const id = `${span.line}:${span.column}:${message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      problems.push({ file, line: span.line, column: span.column, path, message });
    }
    throw new BehaviourError(problems);
  }
  return compileBehaviour(doc as BehaviourDoc);
}

function hintFor(at: (string | number)[], field: string): string {
  const parent = at[at.length - 1];
  if (parent === 'email' || parent === 'sms') return ` (stages: ${STAGES.join(', ')})`;
  if (parent === 'match') return ' (match on journey, segment, variant or step)';
  return field === 'channels' ? ' (write the channel models under default: { email, sms })' : '';
}

export function loadBehaviour(path: string, shownAs = path): Behaviour {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BehaviourError([
      { file: shownAs, line: 1, column: 1, path: '', message: `cannot read the file: ${(e as Error).message}` },
    ]);
  }
  return parseBehaviour(text, shownAs);
}

type Sampler = (rng: Rng) => number;

const DAY_MS = 86_400_000;

function sampler(delay: DelaySpec | undefined): Sampler {
  if (delay === undefined) return () => 1_000;
  if (typeof delay === 'string') {
    const ms = parseDuration(delay)!;
    return () => ms;
  }
  if ('uniform' in delay) {
    const [a, b] = delay.uniform.map((d) => parseDuration(d)!) as [number, number];
    const lo = Math.min(a, b);
    const span = Math.abs(b - a);
    return (rng) => lo + rng() * span;
  }
  const mean = parseDuration(delay.exponential)!;
  return (rng) => -Math.log(1 - rng()) * mean;
}

interface CompiledStage {
  p: number;
  delay: Sampler;
  /** `promised`: how far ahead the date is, and the share kept. */
  within?: Sampler;
  kept?: number;
}
type CompiledModel = Partial<Record<StageName, CompiledStage>>;

function merge(base: ChannelModelSpec | undefined, over: ChannelModelSpec | undefined): ChannelModelSpec {
  const out: ChannelModelSpec = { ...base };
  for (const [stage, spec] of Object.entries(over ?? {}) as [StageName, StageSpec][])
    out[stage] = { ...out[stage], ...spec };
  return out;
}

function compileModel(spec: ChannelModelSpec): CompiledModel {
  const out: CompiledModel = {};
  for (const [stage, s] of Object.entries(spec) as [StageName, StageSpec][])
    out[stage] =
      stage === 'promised'
        ? { p: s.p ?? 1, delay: sampler(s.after), within: sampler(s.within ?? '7d'), kept: s.kept ?? 0.6 }
        : { p: s.p ?? 1, delay: sampler(s.after) };
  return out;
}

const FUNNEL: readonly StageName[] = ['opened', 'clicked', 'visited'];

/** Draws one message's response; the rng is used in a fixed order, so results are stable per seed. */
function draw(model: CompiledModel, rng: Rng): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  const at = (t: number) => Math.max(1_000, Math.round(t));
  const delivered = model.delivered ?? { p: 1, delay: () => 1_000 };
  let t = delivered.delay(rng);
  if (rng() >= delivered.p) return [{ type: 'bounced', afterMs: at(t) }];
  if (model.delivered) events.push({ type: 'delivered', afterMs: at(t) });
  const deliveredAt = t;
  for (const side of ['replied', 'optedOut'] as const) {
    const s = model[side];
    if (s && rng() < s.p) events.push({ type: side, afterMs: at(deliveredAt + s.delay(rng)) });
  }
  for (const stage of FUNNEL) {
    const s = model[stage];
    if (!s) continue;
    if (rng() >= s.p) return sorted(events);
    t += s.delay(rng);
    events.push({ type: stage, afterMs: at(t) });
  }
  const paid = model.paid;
  const partial = model.partiallyPaid;
  const u = rng();
  if (paid && u < paid.p) events.push({ type: 'paid', afterMs: at(t + paid.delay(rng)) });
  else if (partial && u < (paid?.p ?? 0) + partial.p)
    events.push({ type: 'partiallyPaid', afterMs: at(t + partial.delay(rng)) });
  else if (model.promised) {
    // A visitor who does not pay may promise to pay by a date (the page's form); kept, the payment
    // comes before that day ends. Drawn after every other draw, so models without it are unchanged.
    const s = model.promised;
    if (rng() < s.p) {
      const promisedAt = t + s.delay(rng);
      const withinMs = Math.max(DAY_MS, Math.round(s.within!(rng)));
      events.push({ type: 'promised', afterMs: at(promisedAt), withinMs });
      if (rng() < s.kept!)
        events.push({ type: 'paid', afterMs: at(promisedAt + withinMs - rng() * (DAY_MS / 2)), keeps: true });
    }
  }
  return sorted(events);
}

function sorted(events: PlannedEvent[]): PlannedEvent[] {
  return events.sort((a, b) => a.afterMs - b.afterMs);
}

/** An optional fact in a cache key: absent is not the empty string. */
const opt = (v: string | undefined): string => (v === undefined ? '\u0001' : `=${v}`);

function matches(match: MatchSpec, msg: MessageFacts): boolean {
  return (
    (match.journey === undefined || match.journey === msg.journey) &&
    (match.segment === undefined || match.segment === msg.segment) &&
    (match.variant === undefined || match.variant === msg.variant) &&
    (match.step === undefined || match.step === msg.step)
  );
}

export function compileBehaviour(doc: BehaviourDoc): Behaviour {
  const { spec } = doc;
  const rules = spec.rules ?? [];
  // Models by the rules that apply, and (the fast path) by the facts rules can match on.
  const cache = new Map<string, CompiledModel>();
  const byFacts = new Map<string, CompiledModel>();
  const modelFor = (msg: MessageFacts): CompiledModel => {
    const facts = `${msg.channel}\u0000${msg.journey}\u0000${opt(msg.segment)}\u0000${opt(msg.variant)}\u0000${msg.step}`;
    let model = byFacts.get(facts);
    if (model) return model;
    const applied = rules.map((r, i) => (matches(r.match, msg) && r[msg.channel] ? i : -1)).filter((i) => i >= 0);
    const id = `${msg.channel}:${applied.join(',')}`;
    model = cache.get(id);
    if (!model) {
      let m = merge(undefined, spec.default[msg.channel]);
      for (const i of applied) m = merge(m, rules[i]![msg.channel]);
      model = compileModel(m);
      cache.set(id, model);
    }
    if (byFacts.size >= 10_000) byFacts.clear();
    byFacts.set(facts, model);
    return model;
  };
  return {
    name: doc.metadata.name,
    costs: spec.costs ?? {},
    partialShare: spec.partialShare ?? 0.5,
    respond: (msg, seed) => draw(modelFor(msg), seeded(seedOf(msg.key, seed))),
    doc,
  };
}
