/**
 * Diagnostic codes for docs/reference.md. There is no central list of codes in the compiler: each
 * check names its own. So the codes are read from the sources (src/compiler, src/dsl) and every
 * code found must have an entry here, and every entry a code in the sources: the generator
 * throws otherwise, and the drift test with it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CodeDoc {
  severity: 'error' | 'warning';
  /** Where the check runs: reading the file, the YAML parser, the schema, or the checks across files. */
  stage: 'read' | 'parse' | 'schema' | 'semantic';
  meaning: string;
}

export const DIAGNOSTIC_CODES: Readonly<Record<string, CodeDoc>> = {
  BROKEN_SYMLINK: {
    severity: 'error',
    stage: 'read',
    meaning: 'A source file is a symbolic link to nothing.',
  },
  SYMLINK_LOOP: {
    severity: 'error',
    stage: 'read',
    meaning: 'A source file is a symbolic link that leads back to itself.',
  },
  NOT_A_FILE: {
    severity: 'error',
    stage: 'read',
    meaning:
      'A name ending in .yaml or .yml is a folder reached through a link, a named pipe, a socket or a device: only regular files are read.',
  },
  FILE_UNREADABLE: {
    severity: 'error',
    stage: 'read',
    meaning: 'A source file or folder cannot be read or listed (permission denied, gone).',
  },
  FILE_TOO_LARGE: {
    severity: 'error',
    stage: 'read',
    meaning: 'A source file is over 1 MiB; it is not read.',
  },
  NOT_UTF8: {
    severity: 'error',
    stage: 'read',
    meaning: 'A source file is not UTF-8 (a Latin-1 accent, a binary file); located at the first bad byte.',
  },
  CONTROL_CHARACTER: {
    severity: 'error',
    stage: 'parse',
    meaning: 'A control character other than tab, line feed and carriage return, written or as an escape (`"\\0"`).',
  },
  NESTING_TOO_DEEP: {
    severity: 'error',
    stage: 'parse',
    meaning: 'Maps and lists nest more than 64 levels deep.',
  },
  KEY_TOO_LONG: {
    severity: 'error',
    stage: 'parse',
    meaning: 'A map key is longer than 256 characters.',
  },
  ALIAS_EXPANSION: {
    severity: 'error',
    stage: 'parse',
    meaning: 'Anchors and aliases expand the document by more than 100,000 values (a "billion laughs" file).',
  },
  YAML_SYNTAX: {
    severity: 'error',
    stage: 'parse',
    meaning: 'The file is not valid YAML (the first error of the document).',
  },
  DUPLICATE_KEY: { severity: 'error', stage: 'parse', meaning: 'A key appears twice in the same map.' },
  MULTIPLE_DOCUMENTS: {
    severity: 'error',
    stage: 'parse',
    meaning: 'A file holds more than one YAML document (`---`).',
  },
  NOT_A_DOCUMENT: {
    severity: 'error',
    stage: 'schema',
    meaning: 'The file is not a map with apiVersion, kind, metadata and spec.',
  },
  UNSUPPORTED_API_VERSION: { severity: 'error', stage: 'schema', meaning: 'apiVersion is not settle/v1.' },
  UNKNOWN_KIND: {
    severity: 'error',
    stage: 'schema',
    meaning: 'kind is not one of Journey, Segment, Template, Policy, Attributes.',
  },
  MISSING_FIELD: { severity: 'error', stage: 'schema', meaning: 'A required field is missing.' },
  UNKNOWN_FIELD: {
    severity: 'error',
    stage: 'schema',
    meaning: 'A field the kind does not have (often a typo; the hint suggests the closest).',
  },
  WRONG_TYPE: {
    severity: 'error',
    stage: 'schema',
    meaning: 'A value of the wrong type (a list where a map is expected, text for a number…).',
  },
  INVALID_VALUE: {
    severity: 'error',
    stage: 'schema',
    meaning: 'A value outside the allowed ones (enumerations, constants).',
  },
  INVALID_FORMAT: { severity: 'error', stage: 'schema', meaning: 'A value that does not have the required format.' },
  OUT_OF_RANGE: { severity: 'error', stage: 'schema', meaning: 'A number below its minimum or above its maximum.' },
  EMPTY_VALUE: { severity: 'error', stage: 'schema', meaning: 'An empty string where text is required.' },
  TOO_FEW_ITEMS: {
    severity: 'error',
    stage: 'schema',
    meaning: 'A list or map with fewer entries than required (e.g. a split with one variant).',
  },
  DUPLICATE_ITEM: {
    severity: 'error',
    stage: 'schema',
    meaning: 'A list that must hold distinct values lists one twice.',
  },
  UNKNOWN_STEP_TYPE: { severity: 'error', stage: 'schema', meaning: 'A step `type` that does not exist.' },
  UNKNOWN_CHANNEL: { severity: 'error', stage: 'schema', meaning: 'A channel other than email or sms.' },
  UNKNOWN_EVENT: { severity: 'error', stage: 'schema', meaning: 'A name that is not an engagement event.' },
  UNKNOWN_DISPUTE_REASON: {
    severity: 'error',
    stage: 'schema',
    meaning: 'A dispute reason the payment page does not know (`disputes.reasons`).',
  },
  INVALID_DURATION: {
    severity: 'error',
    stage: 'schema',
    meaning: 'Not a duration `<n>s|m|h|d|w`, zero, or longer than 10 years.',
  },
  INVALID_DELAY: {
    severity: 'error',
    stage: 'schema',
    meaning:
      'A behaviour model’s delay is neither a duration, `{ uniform: [min, max] }` nor `{ exponential: mean }` (`settle simulate --behaviour`).',
  },
  INVALID_TIME: { severity: 'error', stage: 'schema', meaning: 'Not a local time HH:MM (00:00 to 24:00).' },
  INVALID_DATE: {
    severity: 'error',
    stage: 'schema',
    meaning: 'Not a calendar date YYYY-MM-DD (or a date that does not exist).',
  },
  INVALID_NAME: { severity: 'error', stage: 'schema', meaning: 'A resource name that is not kebab-case.' },
  INVALID_STEP_ID: {
    severity: 'error',
    stage: 'schema',
    meaning: 'A step id that is not kebab-case starting with a letter.',
  },
  INVALID_WEBHOOK_URL: {
    severity: 'error',
    stage: 'schema',
    meaning: 'A webhook url that is neither https:// (http:// on loopback) nor env:NAME.',
  },
  INVALID_WEEKDAY: {
    severity: 'error',
    stage: 'schema',
    meaning: 'A send-window day other than sun, mon, tue, wed, thu, fri, sat.',
  },
  INVALID_COUNTRY: { severity: 'error', stage: 'schema', meaning: 'holidays.country is not two capital letters.' },
  INVALID_LOCALE: {
    severity: 'error',
    stage: 'schema',
    meaning: 'A locale that is not a language tag such as en, fr or nl-BE.',
  },
  INVALID_ATTRIBUTE_NAME: {
    severity: 'error',
    stage: 'schema',
    meaning: 'An attribute name that is not an identifier.',
  },
  INVALID_ATTRIBUTE_TYPE: {
    severity: 'error',
    stage: 'schema',
    meaning: 'An attribute type other than string, int, double, bool, timestamp.',
  },
  DUPLICATE_NAME: { severity: 'error', stage: 'semantic', meaning: 'Two documents of the same kind share a name.' },
  UNKNOWN_POLICY: { severity: 'error', stage: 'semantic', meaning: 'A journey names a Policy that does not exist.' },
  UNKNOWN_TEMPLATE: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'A send step names a Template that does not exist.',
  },
  UNKNOWN_JOURNEY: { severity: 'error', stage: 'semantic', meaning: 'A segment names a Journey that does not exist.' },
  TEMPLATE_CHANNEL_MISMATCH: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'A send step’s channel differs from its template’s.',
  },
  DUPLICATE_STEP_ID: { severity: 'error', stage: 'semantic', meaning: 'Two steps of a journey share an id.' },
  UNKNOWN_STEP: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'A next, route, default, onFailure, onBlocked or after names no step.',
  },
  FALLS_OFF_END: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'The last step would fall through to nothing: end it with exit or a next.',
  },
  UNREACHABLE_STEP: { severity: 'error', stage: 'semantic', meaning: 'No path from the first step reaches this step.' },
  LOOP_WITHOUT_WAIT: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'Steps that can loop forever without a wait or waitFor in the loop.',
  },
  MISSING_TIMEOUT_ROUTE: { severity: 'error', stage: 'semantic', meaning: 'A waitFor without `on.timeout`.' },
  UNKNOWN_ROUTE_EVENT: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'A waitFor route for an event that is not in its `events`.',
  },
  AFTER_NOT_SEND: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'A waitFor `after` names a step that is not a send.',
  },
  INVALID_WAIT: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'A wait step without exactly one of duration, until, businessDays.',
  },
  SPLIT_WEIGHTS: { severity: 'error', stage: 'semantic', meaning: 'The weights of a split do not add up to 100.' },
  MIGRATION_FROM_NEWER: {
    severity: 'error',
    stage: 'semantic',
    meaning: '`migration.from` lists a version that is not older than the journey’s own.',
  },
  EXIT_ON_GOAL: {
    severity: 'error',
    stage: 'semantic',
    meaning: '`exitOn` lists the goal, which ends the journey already.',
  },
  EXIT_AND_INTERRUPT: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'An event both ends the journey (`exitOn`) and sends it to a step (`interrupts`).',
  },
  DISPUTE_EVENT_ROUTED: {
    severity: 'error',
    stage: 'semantic',
    meaning:
      'A journey with `disputes` also routes `disputed`, `resolved` or `upheld` with `interrupts`, `exitOn` or `goal`: `disputes` decides what they do.',
  },
  PROMISE_EVENT_ROUTED: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'A journey with `promises` also routes `promised` with `interrupts`, `exitOn` or `goal`.',
  },
  TRACK_PLAN_WITHOUT_PLANS: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'A `trackPlan` step in a journey that offers no `paymentPlans`.',
  },
  DUPLICATE_VARIANT: { severity: 'error', stage: 'semantic', meaning: 'Two variants of a split share a name.' },
  SPLIT_HOLDOUTS: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'A split has more than one holdout variant (one control per split).',
  },
  INVALID_RETRY: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'A retry whose maxInterval is shorter than its initialInterval.',
  },
  CEL_SYNTAX: { severity: 'error', stage: 'semantic', meaning: 'A CEL expression that does not parse.' },
  CEL_TYPE: {
    severity: 'error',
    stage: 'semantic',
    meaning:
      'A CEL expression with an unknown variable or field, a type error, or the wrong result type (bool for conditions, timestamp for until).',
  },
  LIQUID_SYNTAX: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'A template part that Liquid cannot parse (or a refused tag: include, render, layout).',
  },
  UNKNOWN_VARIABLE: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'A template reads a variable that does not exist (or an undeclared attribute).',
  },
  UNKNOWN_FILTER: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'A template uses a Liquid filter that does not exist.',
  },
  PAYMENT_LINK_REQUIRED: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'A template reads links.pay but a send step using it has no `paymentLink: true`.',
  },
  MISSING_OPT_OUT: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'An email part without {{ links.optOut }}, or an SMS without the opt-out keyword.',
  },
  MISSING_DEFAULT_LOCALE: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'defaultLocale is not one of the template’s locales.',
  },
  MISSING_LOCALE: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'A template lacks a locale that another template of the same journey has.',
  },
  INVALID_TIMEZONE: { severity: 'error', stage: 'semantic', meaning: 'timezoneFallback is not an IANA time zone.' },
  EMPTY_WINDOW: { severity: 'error', stage: 'semantic', meaning: 'A send window whose `from` is not before its `to`.' },
  OVERLAPPING_WINDOWS: { severity: 'error', stage: 'semantic', meaning: 'Two send windows overlap on a day.' },
  UNKNOWN_COUNTRY: { severity: 'error', stage: 'semantic', meaning: 'No public-holiday data for holidays.country.' },
  UNKNOWN_REGION: {
    severity: 'error',
    stage: 'semantic',
    meaning:
      'holidays.region is not a region of the country (or the country has none), or is given with a list of countries (debtors’ own regions apply).',
  },
  DUPLICATE_CAP: {
    severity: 'error',
    stage: 'semantic',
    meaning: 'Two frequency caps on the same channels over the same period.',
  },
  CAP_REDUNDANT: {
    severity: 'warning',
    stage: 'semantic',
    meaning: 'A frequency cap that another cap makes unreachable.',
  },
  UNUSED_POLICY: {
    severity: 'warning',
    stage: 'semantic',
    meaning: 'A policy no journey applies (neither as `policy` nor in `policyByCountry`).',
  },
  SEND_ALWAYS_OUTSIDE_WINDOW: {
    severity: 'warning',
    stage: 'semantic',
    meaning:
      'A send right after a `wait: until` at a fixed time of day that no send window contains: it is always deferred.',
  },
  SMS_TOO_LONG: {
    severity: 'warning',
    stage: 'semantic',
    meaning:
      'An example record (examples/records, or `settle validate --examples DIR`) renders an SMS template to more segments than its `maxSegments` (default 2): carriers bill every segment.',
  },
  SMS_NOT_GSM7: {
    severity: 'warning',
    stage: 'semantic',
    meaning:
      'An example record renders an SMS template with characters outside the GSM-7 alphabet (curly quotes, ê, emoji): the whole SMS goes UCS-2, 70 characters a segment instead of 160.',
  },
  SEGMENT_PRIORITY_TIE: {
    severity: 'warning',
    stage: 'semantic',
    meaning: 'Two segments share a priority (ties are broken by name).',
  },
};

const CODE = /'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g;

/** Every SCREAMING_SNAKE string literal of the compiler and the DSL (their subfolders too, not generated code): the codes they can report. */
export function codesInSources(root: string): Set<string> {
  const found = new Set<string>();
  for (const dir of ['src/compiler', 'src/dsl']) {
    for (const name of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })) {
      if (!name.endsWith('.ts') || name.startsWith('generated/')) continue;
      for (const m of readFileSync(join(root, dir, name), 'utf8').matchAll(CODE)) found.add(m[1]!);
    }
  }
  return found;
}

/** Throws when the table and the sources disagree. */
export function checkedCodes(root: string): [string, CodeDoc][] {
  const inSources = codesInSources(root);
  const undocumented = [...inSources].filter((c) => !(c in DIAGNOSTIC_CODES));
  const stale = Object.keys(DIAGNOSTIC_CODES).filter((c) => !inSources.has(c));
  if (undocumented.length > 0 || stale.length > 0) {
    throw new Error(
      [
        undocumented.length > 0 &&
          `codes without an entry in scripts/reference/diagnostics.ts: ${undocumented.join(', ')}`,
        stale.length > 0 && `entries of scripts/reference/diagnostics.ts no source reports: ${stale.join(', ')}`,
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  return Object.entries(DIAGNOSTIC_CODES);
}
