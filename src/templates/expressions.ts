/**
 * Walks the expressions of a parsed template, as liquidjs's own static analysis does (tag
 * arguments, then children), to find what that analysis does not report: every filter applied
 * (with its position) and expressions with a dangling operand, such as
 * `{{ debtor.firstName debtor.lastName }}`, which liquidjs accepts and silently half-renders.
 */
import { TypeGuards, Value, toValueSync, type Expression, type Template, type Token } from 'liquidjs';

export interface FilterUse {
  name: string;
  /** 0-based offset of the filter name in the source (or of its tag when liquidjs lost it). */
  offset: number;
}

export interface DanglingOperand {
  /** The source text of the operand that has no operator joining it to the expression. */
  text: string;
  offset: number;
}

export interface ExpressionFacts {
  filters: FilterUse[];
  dangling: DanglingOperand[];
}

type FilterArg = Token | [(string | undefined)?, (Token | undefined)?];

// `Filter#token` is private in liquidjs's typings but present at run time; it holds the position.
function filterOffset(filter: unknown, fallback: number): number {
  const begin = (filter as { token?: { begin?: unknown } }).token?.begin;
  return typeof begin === 'number' ? begin : fallback;
}

class Collector implements ExpressionFacts {
  readonly filters: FilterUse[] = [];
  readonly dangling: DanglingOperand[] = [];

  template(template: Template): void {
    const at = template.token.begin;
    if (template.arguments) for (const arg of template.arguments()) this.argument(arg, at);
    if (template.children) {
      const children = toValueSync(template.children(false, true)) as Template[];
      for (const child of children) this.template(child);
    }
  }

  argument(arg: unknown, at: number): void {
    if (arg instanceof Value) {
      this.expression(arg.initial, at);
      for (const f of arg.filters) {
        this.filters.push({ name: f.name, offset: filterOffset(f, at) });
        this.args(f.args, at);
      }
    } else if (TypeGuards.isValueToken(arg)) {
      this.token(arg, at);
    }
  }

  args(args: readonly FilterArg[], at: number): void {
    for (const arg of args) {
      if (!Array.isArray(arg)) this.token(arg, at);
      else if (arg[1]) this.token(arg[1], at);
    }
  }

  token(token: Token, at: number): void {
    if (TypeGuards.isFilteredValueToken(token)) {
      this.expression(token.initial, at);
      for (const f of token.filters) {
        this.filters.push({ name: f.name, offset: f.begin });
        this.args(f.args, at);
      }
    } else if (TypeGuards.isRangeToken(token)) {
      this.token(token.lhs, at);
      this.token(token.rhs, at);
    }
  }

  /** Replays the postfix form on a stack: a well-formed expression leaves exactly one value. */
  expression(expression: Expression, at: number): void {
    const stack: Token[] = [];
    for (const token of expression.postfix) {
      if (TypeGuards.isOperatorToken(token)) {
        const arity = token.operator === 'not' ? 1 : 2;
        if (stack.length < arity) return; // liquidjs itself rejects these while parsing
        stack.splice(stack.length - arity, arity, token);
      } else {
        this.token(token, at);
        stack.push(token);
      }
    }
    const extra = stack[1];
    if (extra) this.dangling.push({ text: extra.getText(), offset: extra.begin });
  }
}

/** Filters and malformed expressions of `templates`, in document order of their tags. */
export function expressionFacts(templates: readonly Template[]): ExpressionFacts {
  const collector = new Collector();
  for (const template of templates) collector.template(template);
  return collector;
}
