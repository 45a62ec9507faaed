/**
 * The Behaviour kind's validation (`settle simulate --behaviour FILE`): a document outside the
 * project, checked by the compiler's own phases and reported with its diagnostics — read
 * (sources.ts: size, UTF-8), parse (parse.ts: the same limits and YAML codes), structure (ajv
 * against src/dsl/behaviour.ts, each error turned into a coded diagnostic by schema-errors.ts),
 * located lazily (resolve.ts).
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { createAjv } from '../dsl/ajv.js';
import { BehaviourDocument, type BehaviourDoc } from '../dsl/index.js';
import { sortDiagnostics, type Diagnostic, type PendingDiagnostic } from './diagnostic.js';
import { parseSource, yamlDiagnostics } from './parse.js';
import { resolveDiagnostics } from './resolve.js';
import { pruneUnionErrors, toDiagnostic } from './schema-errors.js';
import { readSource, type SourceFile } from './sources.js';

export type BehaviourCheck = { ok: true; doc: BehaviourDoc } | { ok: false; diagnostics: Diagnostic[] };

let validator: ValidateFunction | undefined;

/** Validates a behaviour model's source: its document, or every problem at once, located. */
export function checkBehaviour(src: SourceFile): BehaviourCheck {
  const parsed = parseSource(src);
  if (!parsed.ok) {
    return { ok: false, diagnostics: yamlDiagnostics(src.path, parsed.errors) };
  }
  validator ??= createAjv().compile(BehaviourDocument);
  if (validator(parsed.value)) return { ok: true, doc: parsed.value as BehaviourDoc };
  const pending: PendingDiagnostic[] = [];
  for (const e of pruneUnionErrors(validator.errors ?? [])) {
    const d = toDiagnostic(src.path, parsed.value, e);
    if (!d) continue;
    // A model written before `default:` existed: say where the channel models go.
    if (d.code === 'UNKNOWN_FIELD' && d.at.join('/') === 'spec/channels')
      d.hint = 'write the channel models under `default:` — `default: { email: …, sms: … }`';
    pending.push(d);
  }
  const seen = new Set<string>();
  const located = resolveDiagnostics(pending, [{ source: src, value: parsed.value }]).filter((d) => {
    const key = `${d.line}\0${d.column}\0${d.code}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { ok: false, diagnostics: sortDiagnostics(located) };
}

/** Reads and validates a behaviour file; `shownAs` is the path diagnostics name. */
export function checkBehaviourFile(path: string, shownAs = path): { source: SourceFile; check: BehaviourCheck } {
  const read = readSource(path);
  const source: SourceFile = read.problem
    ? { path: shownAs, text: read.text ?? '', unreadable: read.problem }
    : { path: shownAs, text: read.text };
  return { source, check: checkBehaviour(source) };
}
