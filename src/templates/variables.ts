/**
 * What a template may read: `debtor.*` (with `debtor.consent.*`), `debt.*`, the declared
 * `attributes.*` and the `links.*` of its send step, all derived from the enrollment record's
 * field table (src/ir/record.ts) so templates, CEL and the JSON Schema cannot drift apart.
 * `judgePath` turns one variable use into its canonical path and, if wrong, a problem to report.
 */
import { CONSENT_FIELDS, DEBT_FIELDS, DEBTOR_FIELDS, type FieldType, type LinkName } from '../ir/record.js';
import { closestPath } from './closest-path.js';

/** What a template is checked against: the journey's attributes and the step's links. */
export interface TemplateScope {
  attributes: Readonly<Record<string, FieldType>>;
  links: readonly LinkName[];
}

type Node = { kind: 'leaf'; type: FieldType } | { kind: 'object'; fields: ReadonlyMap<string, Node> };

export interface PathVerdict {
  /** The canonical dotted path (`debtor.firstName` for `debtor["firstName"].size`). */
  path: string;
  problem?: { message: string; hint?: string };
}

const ROOTS = ['debtor', 'debt', 'attributes', 'links'] as const;

function object(entries: Iterable<[string, Node]>): Node {
  return { kind: 'object', fields: new Map(entries) };
}

function leaves(fields: Record<string, { type: FieldType }>): [string, Node][] {
  return Object.entries(fields).map(([name, f]) => [name, { kind: 'leaf', type: f.type }]);
}

function tree(scope: TemplateScope): Node {
  return object([
    ['debtor', object([...leaves(DEBTOR_FIELDS), ['consent', object(leaves(CONSENT_FIELDS))]])],
    ['debt', object(leaves(DEBT_FIELDS))],
    ['attributes', object(Object.entries(scope.attributes).map(([name, type]) => [name, { kind: 'leaf', type }]))],
    ['links', object(scope.links.map((name) => [name, { kind: 'leaf', type: 'string' }]))],
  ]);
}

function leafPaths(node: Node, prefix: string, out: string[]): string[] {
  if (node.kind === 'leaf') out.push(prefix);
  else for (const [name, child] of node.fields) leafPaths(child, prefix ? `${prefix}.${name}` : name, out);
  return out;
}

/** Judges variable paths against one scope (the tree and suggestion list are built once). */
export class VariableJudge {
  readonly #root: Node;
  readonly #candidates: string[];

  constructor(readonly scope: TemplateScope) {
    this.#root = tree(scope);
    this.#candidates = leafPaths(this.#root, '', []);
  }

  /**
   * `segments` are a variable's property names; `dynamic` is true when the path continues
   * with a computed segment (`attributes[key]`, `list[0]`) that cannot be checked statically.
   */
  judge(segments: readonly string[], dynamic: boolean): PathVerdict {
    let node = this.#root;
    const walked: string[] = [];
    for (const segment of segments) {
      if (node.kind === 'leaf') {
        const last = walked.length === segments.length - 1;
        if (segment === 'size' && node.type === 'string' && last && !dynamic) return { path: walked.join('.') };
        return this.#problem(segments, `${walked.join('.')} is a ${node.type} and has no property "${segment}"`);
      }
      const child = node.fields.get(segment);
      if (!child) return this.#unknown(segments, walked.length, [...node.fields.keys()]);
      node = child;
      walked.push(segment);
    }
    const path = walked.join('.');
    if (node.kind === 'object' && walked.length === 1 && !dynamic) {
      const example = this.#candidates.find((c) => c.startsWith(`${path}.`));
      return this.#problem(
        segments,
        `${path} is a group of fields, not a value`,
        example && `use one of its fields, e.g. ${example}`,
      );
    }
    return { path };
  }

  #unknown(segments: readonly string[], depth: number, siblings: readonly string[]): PathVerdict {
    const path = segments.join('.');
    const [root, name] = segments;
    if (root === 'links' && depth === 1 && name === 'pay') {
      return this.#problem(
        segments,
        'links.pay is only available when the send step creates a payment link',
        'set `paymentLink: true` on the send step that uses this template',
      );
    }
    if (root === 'links' && depth === 1 && name === 'optOut') {
      return this.#problem(segments, 'links.optOut is not available to this template');
    }
    const suggestion = closestPath(path, this.#candidates);
    if (suggestion) return this.#problem(segments, `unknown variable ${path}`, `did you mean ${suggestion}?`);
    if (root === 'attributes' && depth === 1) {
      return this.#problem(
        segments,
        `attribute "${name ?? ''}" is not declared`,
        'declare it in journeys/attributes.yaml',
      );
    }
    const parent = segments.slice(0, depth).join('.');
    const fallback =
      depth === 0
        ? `templates can read ${ROOTS.join(', ')} and variables they assign`
        : siblings.length > 0
          ? `${parent} has ${siblings.join(', ')}`
          : `${parent} has no fields here`;
    return this.#problem(segments, `unknown variable ${path}`, fallback);
  }

  #problem(segments: readonly string[], message: string, hint?: string): PathVerdict {
    return { path: segments.join('.'), problem: hint === undefined ? { message } : { message, hint } };
  }
}
