/**
 * The project model: every valid document indexed by kind and name, with where it came from. The
 * compiler fills it (compile.ts); enrollment, routing, the simulator and the CLI read it.
 */
import {
  ATTRIBUTE_TYPES,
  type AttributeType,
  type Attributes,
  type Journey,
  type Kind,
  type Policy,
  type Segment,
  type Template,
} from '../dsl/index.js';

/** A journey that failed its schema, with the part that can still be checked (the compiler's salvage). */
export interface Salvaged {
  /** The journey with each broken step replaced by a placeholder `exit` step of the same id. */
  doc: Journey;
  /** Indices of the steps that failed the schema. */
  brokenSteps: ReadonlySet<number>;
}

export interface Resource<T> {
  file: string;
  doc: T;
  /** False when the document failed structural validation: it exists for references, nothing more. */
  valid: boolean;
  /** For a journey that failed structural validation, the part that can still be checked (salvage.ts). */
  salvage?: Salvaged;
}

export interface Project {
  journeys: Map<string, Resource<Journey>>;
  segments: Map<string, Resource<Segment>>;
  templates: Map<string, Resource<Template>>;
  policies: Map<string, Resource<Policy>>;
  /** Declared custom attributes and their types (attributes.yaml at the project's root). */
  attributes: Map<string, Resource<Attributes>>;
  /** The project's folder as hints name it (relative to the working directory; '' for the directory itself). */
  root: string;
}

/** The folder hints name when the caller does not say where the project is. */
export const DEFAULT_ROOT = 'journeys';

export function emptyProject(root = DEFAULT_ROOT): Project {
  return {
    journeys: new Map(),
    segments: new Map(),
    templates: new Map(),
    policies: new Map(),
    attributes: new Map(),
    root,
  };
}

/** A path inside the project as a hint names it: `energy/templates/`, or `templates/` in the project itself. */
export function inProject(project: Pick<Project, 'root'>, rel: string): string {
  const root = project.root.replace(/\/+$/, '');
  const path = root === '' || root === '.' ? rel : `${root}/${rel}`;
  return path === '' ? './' : path;
}

/** Which of the project's tables holds each kind. */
export const TABLE = {
  Journey: 'journeys',
  Segment: 'segments',
  Template: 'templates',
  Policy: 'policies',
  Attributes: 'attributes',
} as const satisfies Record<Kind, keyof Project>;

/**
 * All declared attributes merged (normally a single Attributes document). From a document with
 * errors, the well-formed declarations still count: one bad line there should not make every
 * expression and template that reads another attribute fail too.
 */
export function declaredAttributes(project: Project): Record<string, AttributeType> {
  const out: Record<string, AttributeType> = {};
  for (const r of project.attributes.values()) {
    const spec: unknown = r.doc.spec;
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) continue;
    for (const [name, type] of Object.entries(spec)) {
      if (ATTRIBUTE_NAME.test(name) && (ATTRIBUTE_TYPES as readonly unknown[]).includes(type))
        out[name] = type as AttributeType;
    }
  }
  return out;
}

const ATTRIBUTE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Attributes declared with a broken type (`openInvoices: integer`): declared all the same, of an
 * unknown type, so that the one error at the declaration is not repeated as "not declared" at
 * every use. `all` when an Attributes document could not be read at all (a YAML error, a spec
 * that is not a map): then any attribute may be declared there.
 */
export function attributesInDoubt(project: Project): { names: Set<string>; all: boolean } {
  const names = new Set<string>();
  let all = false;
  for (const r of project.attributes.values()) {
    const spec: unknown = r.doc.spec;
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      all ||= !r.valid;
      continue;
    }
    for (const [name, type] of Object.entries(spec)) {
      if (ATTRIBUTE_NAME.test(name) && !(ATTRIBUTE_TYPES as readonly unknown[]).includes(type)) names.add(name);
    }
  }
  return { names, all };
}

/** Attribute names a Liquid template reads as `attributes.NAME` (a scan: good enough to decide a doubt). */
export function attributeReads(source: string): string[] {
  return [...new Set([...source.matchAll(/\battributes\s*\.\s*([a-zA-Z_][a-zA-Z0-9_]*)/g)].map((m) => m[1]!))];
}

/** Of the attributes read, those not declared but possibly meant to be (see attributesInDoubt). */
export function doubtfulReads(project: Project, reads: string[]): string[] {
  const doubt = attributesInDoubt(project);
  if (doubt.names.size === 0 && !doubt.all) return [];
  const declared = declaredAttributes(project);
  return reads.filter((n) => !(n in declared) && (doubt.all || doubt.names.has(n)));
}
