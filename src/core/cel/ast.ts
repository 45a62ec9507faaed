/**
 * Reading cel-js syntax trees: walking them, naming a selection (`debtor.consent.email`) for
 * messages, and listing the custom attributes an expression reads (the plan records their
 * types; an undeclared one is a compile error). Workflow-safe: pure.
 */
import type { ASTNode } from '@marcbachmann/cel-js';
import { celEnvironment } from './env.js';

/** The type cel-js's checker caches on every node it checked (not in its .d.ts). */
interface CheckedNode {
  checkedType?: { name?: string };
}

export function isAstNode(value: unknown): value is ASTNode {
  return typeof value === 'object' && value !== null && 'op' in value && 'args' in value;
}

/** Calls `visit` on every node, parents before children. */
export function forEachNode(root: ASTNode, visit: (node: ASTNode) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const item = stack.pop();
    if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push(item[i]);
    } else if (isAstNode(item)) {
      visit(item);
      if (Array.isArray(item.args)) stack.push(item.args);
    }
  }
}

/** The type cel-js inferred for a node during the last check, when it did. */
export function checkedTypeOf(node: unknown): string | undefined {
  return isAstNode(node) ? (node as CheckedNode).checkedType?.name : undefined;
}

/** The field a selection node reads: `x.f`, `x.?f`, `x["f"]`, `x[?"f"]`; undefined otherwise. */
export function selectedField(node: ASTNode): { object: ASTNode; field: string } | undefined {
  switch (node.op) {
    case '.':
    case '.?': {
      const [object, field] = node.args;
      return { object, field };
    }
    case '[]':
    case '[?]': {
      const [object, key] = node.args;
      if (key.op === 'value' && typeof key.args === 'string') return { object, field: key.args };
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The dotted path a node names (`debt`, `debtor.consent.email`), or undefined for anything else. */
export function selectionPath(node: ASTNode): string | undefined {
  if (node.op === 'id') return node.args;
  const selection = selectedField(node);
  if (!selection) return undefined;
  const parent = selectionPath(selection.object);
  return parent === undefined ? undefined : `${parent}.${selection.field}`;
}

/** Names of the attributes a parsed expression reads, sorted and unique. */
export function attributesInAst(root: ASTNode): string[] {
  const names = new Set<string>();
  forEachNode(root, (node) => {
    const selection = selectedField(node);
    if (selection && selection.object.op === 'id' && selection.object.args === 'attributes') {
      names.add(selection.field);
    }
  });
  return [...names].sort();
}

/**
 * Names of the attributes an expression reads (`attributes.sector`, `attributes["sector"]`,
 * `has(attributes.sector)`), sorted and unique; [] when it does not parse (checkCel says why).
 */
export function referencedAttributes(source: string): string[] {
  try {
    return attributesInAst(celEnvironment({}).parse(source).ast);
  } catch {
    return [];
  }
}
