/**
 * Structural validation (phase 1): ajv with allErrors against the schema of the document's kind,
 * with every ajv error turned into a diagnostic with a stable code, a plain message and a fix
 * (schema-errors.ts).
 */
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import { createAjv } from '../dsl/ajv.js';
import { API_VERSION, KINDS, KIND_NAMES, type Kind } from '../dsl/index.js';
import type { PendingDiagnostic } from './diagnostic.js';
import * as precompiled from './generated/kind-validators.js';
import { pruneUnionErrors, toDiagnostic } from './schema-errors.js';
import { didYouMean } from '../core/suggest.js';

let ajv: Ajv2020 | undefined;
const validators = new Map<Kind, ValidateFunction>();

/** The kind's validator: precompiled (generated/kind-validators.ts), or compiled here when `compile` is asked for. */
export function validatorFor(kind: Kind, compile = false): ValidateFunction {
  if (!compile) return (precompiled as unknown as Record<Kind, ValidateFunction>)[kind];
  let v = validators.get(kind);
  if (!v) {
    ajv ??= createAjv();
    v = ajv.compile(KINDS[kind].schema);
    validators.set(kind, v);
  }
  return v;
}

/** Validates the envelope (apiVersion, kind) by hand, then the document against its kind's schema. */
export function validateStructure(file: string, doc: unknown): { kind?: Kind; diagnostics: PendingDiagnostic[] } {
  const d = (code: string, message: string, at: (string | number)[], hint?: string, onKey = false) => ({
    file,
    severity: 'error' as const,
    code,
    message,
    at,
    onKey,
    ...(hint !== undefined && { hint }),
  });
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return {
      diagnostics: [
        d(
          'NOT_A_DOCUMENT',
          'the file must hold a map with apiVersion, kind, metadata and spec',
          [],
          'start from an example in journeys/ and keep the four top-level keys',
        ),
      ],
    };
  }
  const obj = doc as Record<string, unknown>;
  const out: PendingDiagnostic[] = [];
  if (obj.apiVersion !== API_VERSION) {
    out.push(
      obj.apiVersion === undefined
        ? d('MISSING_FIELD', 'the document has no `apiVersion`', [], `add \`apiVersion: ${API_VERSION}\``)
        : d(
            'UNSUPPORTED_API_VERSION',
            `apiVersion \`${String(obj.apiVersion)}\` is not supported`,
            ['apiVersion'],
            `use \`apiVersion: ${API_VERSION}\``,
          ),
    );
  }
  const kind = obj.kind;
  if (typeof kind !== 'string' || !(KIND_NAMES as string[]).includes(kind)) {
    out.push(
      kind === undefined
        ? d('MISSING_FIELD', 'the document has no `kind`', [], `add \`kind:\` one of ${KIND_NAMES.join(', ')}`)
        : d(
            'UNKNOWN_KIND',
            `unknown kind \`${String(kind)}\``,
            ['kind'],
            didYouMean(String(kind), KIND_NAMES, `kind is one of ${KIND_NAMES.join(', ')}`),
          ),
    );
    return { diagnostics: out };
  }
  const validate = validatorFor(kind as Kind);
  if (!validate(doc)) {
    const errs = pruneUnionErrors(validate.errors ?? []);
    for (const e of errs) {
      if (e.instancePath === '/apiVersion' || e.instancePath === '/kind') continue;
      // A missing apiVersion or kind is already reported above, by hand.
      if (
        e.keyword === 'required' &&
        e.instancePath === '' &&
        ['apiVersion', 'kind'].includes(String(e.params.missingProperty))
      )
        continue;
      const diag = toDiagnostic(file, doc, e);
      if (diag) out.push(diag);
    }
  }
  return { kind: kind as Kind, diagnostics: out };
}
