/**
 * Loading a behaviour model (the Behaviour kind, src/dsl/behaviour.ts, validated by
 * src/compiler/behaviour.ts) and drawing each message's response from it.
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
import { checkBehaviour, checkBehaviourFile } from '../compiler/behaviour.js';
import type { Diagnostic } from '../compiler/diagnostic.js';
import { formatDiagnostic } from '../compiler/diagnostic-format.js';
import { parseDuration } from '../core/duration.js';
import { seeded, seedOf, type Rng } from '../core/random.js';
import type { BehaviourDoc, ChannelModelSpec, DelaySpec, MatchSpec, StageName, StageSpec } from '../dsl/index.js';
import type { Channel, EngagementEvent } from '../ir/index.js';

/** An invalid behaviour model: the compiler's diagnostics, each with its code frame and fix. */
export class BehaviourError extends Error {
  constructor(
    readonly diagnostics: Diagnostic[],
    text?: string,
  ) {
    const sources = text === undefined ? undefined : new Map(diagnostics.map((d) => [d.file, text]));
    super(diagnostics.map((d) => formatDiagnostic(d, { ...(sources && { sources }) })).join('\n\n'));
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

/** Parses and validates a behaviour file's text; every problem at once, as located diagnostics. */
export function parseBehaviour(text: string, file: string): Behaviour {
  const check = checkBehaviour({ path: file, text });
  if (!check.ok) throw new BehaviourError(check.diagnostics, text);
  return compileBehaviour(check.doc);
}

export function loadBehaviour(path: string, shownAs = path): Behaviour {
  const { source, check } = checkBehaviourFile(path, shownAs);
  if (!check.ok) throw new BehaviourError(check.diagnostics, source.unreadable ? undefined : source.text);
  return compileBehaviour(check.doc);
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
