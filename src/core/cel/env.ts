/**
 * The cel-js type environments. Building an Environment is the expensive part of cel-js, and
 * each project (compile time) or plan (run time) has one attribute set, so environments are
 * cached by that set. Optional chaining is on, so `debtor.?email.orValue("")` works beside
 * `has(debtor.email)`. Workflow-safe: cel-js has no dependencies and never reads the clock.
 */
import { Environment } from '@marcbachmann/cel-js';
import { CONSENT_FIELDS, DEBT_FIELDS, DEBTOR_FIELDS, type RecordField } from '../../ir/index.js';
import { celLocalTime, LOCAL_TIME_SIGNATURE } from './time.js';
import { CEL_FIELD_TYPE, CEL_TIMESTAMP, CEL_TYPE_NAMES, ENGAGEMENT_EVENTS, type AttributeTypes } from './schema.js';

const ENV_CACHE_LIMIT = 64;
const environments = new Map<string, Environment>();

function fieldTypes(fields: Readonly<Record<string, RecordField>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, field] of Object.entries(fields)) out[name] = CEL_FIELD_TYPE[field.type];
  return out;
}

/** Stable cache key of an attribute set: order of declaration does not matter. */
export function attributesKey(attributes: AttributeTypes): string {
  return Object.keys(attributes)
    .sort()
    .map((name) => `${name}:${attributes[name]}`)
    .join(',');
}

let baseEnv: Environment | undefined;

/** Everything but `attributes`; each attribute set gets a cheap clone of it. */
function baseEnvironment(): Environment {
  if (!baseEnv) {
    const engagementFields: Record<string, string> = {};
    for (const event of ENGAGEMENT_EVENTS) engagementFields[event] = 'int';
    baseEnv = new Environment({ enableOptionalTypes: true })
      .registerType(CEL_TYPE_NAMES.consent, { fields: fieldTypes(CONSENT_FIELDS) })
      .registerType(CEL_TYPE_NAMES.debtor, {
        fields: { ...fieldTypes(DEBTOR_FIELDS), consent: CEL_TYPE_NAMES.consent },
      })
      .registerType(CEL_TYPE_NAMES.debt, { fields: fieldTypes(DEBT_FIELDS) })
      .registerType(CEL_TYPE_NAMES.engagement, { fields: engagementFields })
      .registerVariable('debtor', CEL_TYPE_NAMES.debtor, { description: 'The debtor of the enrolled debt.' })
      .registerVariable('debt', CEL_TYPE_NAMES.debt, { description: 'The enrolled debt.' })
      .registerVariable('engagement', CEL_TYPE_NAMES.engagement, {
        description: 'Event counts in this journey so far.',
      })
      .registerVariable('now', CEL_TIMESTAMP, { description: 'The instant of evaluation.' })
      // A function of its own, not the export: cel-js tags the function it is given (`__handle`),
      // and a worker shares and freezes this module's exports (src/temporal/journey-worker.ts).
      .registerFunction(LOCAL_TIME_SIGNATURE, (t: Date, days: bigint, clock: string) => celLocalTime(t, days, clock), {
        description: "The instant at HH:MM in the debtor's zone, on the local date of the timestamp plus N days.",
      });
  }
  return baseEnv;
}

function buildEnvironment(attributes: AttributeTypes): Environment {
  const attributeFields: Record<string, string> = {};
  for (const [name, type] of Object.entries(attributes)) attributeFields[name] = CEL_FIELD_TYPE[type];
  return baseEnvironment()
    .clone()
    .registerType(CEL_TYPE_NAMES.attributes, { fields: attributeFields })
    .registerVariable('attributes', CEL_TYPE_NAMES.attributes, {
      description: 'Custom fields declared in journeys/attributes.yaml.',
    });
}

/** The environment for expressions over these declared attributes (cached per attribute set). */
export function celEnvironment(attributes: AttributeTypes): Environment {
  const key = attributesKey(attributes);
  let env = environments.get(key);
  if (!env) {
    env = buildEnvironment(attributes);
    if (environments.size >= ENV_CACHE_LIMIT) environments.clear();
    environments.set(key, env);
  }
  return env;
}

let literalEnv: Environment | undefined;

/**
 * A tiny environment with one string variable `s`, used to try `duration(s)` and
 * `timestamp(s)` on the string literals of an expression at compile time (cel-js only rejects
 * `duration('3d')` when it runs).
 */
export function literalEnvironment(): Environment {
  literalEnv ??= new Environment().registerVariable('s', 'string');
  return literalEnv;
}
