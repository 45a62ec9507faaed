/**
 * Turns cel-js parse and type errors into messages for journey authors: plain English, the
 * offset of the culprit in the expression, and a hint (did you mean debt.amountDue?, write &&
 * for "and", write 1000.0 …). cel-js's own text ("Unexpected character: 'd'", type names like
 * google.protobuf.Timestamp) is shown only as a last resort. Workflow-safe: pure.
 */
import { ParseError, TypeError as CelTypeError, type ASTNode } from '@marcbachmann/cel-js';
import { checkedTypeOf, isAstNode, selectedField, selectionPath } from './ast.js';
import { allFieldPaths, CEL_ROOTS, friendlyType, objectFields, type AttributeTypes } from './schema.js';
import { closestName } from '../suggest.js';

export interface CelCheckFailure {
  ok: false;
  kind: 'syntax' | 'type';
  message: string;
  /** 0-based character offset in the expression source. */
  offset?: number;
  hint?: string;
}

export function celFailure(
  kind: CelCheckFailure['kind'],
  message: string,
  offset?: number,
  hint?: string,
): CelCheckFailure {
  const out: CelCheckFailure = { ok: false, kind, message };
  if (offset !== undefined) out.offset = offset;
  if (hint !== undefined) out.hint = hint;
  return out;
}

/** "a double", "an int". */
export function withArticle(type: string): string {
  return `${/^[aeiou]/i.test(type) ? 'an' : 'a'} ${type}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

const TOKEN_TEXT: Readonly<Record<string, string>> = {
  EOF: 'the end of the expression',
  NUMBER: 'a number',
  STRING: 'a string',
  BOOLEAN: 'true or false',
  NULL: 'null',
  IDENTIFIER: 'a name',
  BYTES: 'a bytes literal',
  PLUS: '`+`',
  MINUS: '`-`',
  MULTIPLY: '`*`',
  DIVIDE: '`/`',
  MODULO: '`%`',
  EQ: '`==`',
  NE: '`!=`',
  LT: '`<`',
  LE: '`<=`',
  GT: '`>`',
  GE: '`>=`',
  AND: '`&&`',
  OR: '`||`',
  NOT: '`!`',
  IN: '`in`',
  LPAREN: '`(`',
  RPAREN: '`)`',
  LBRACKET: '`[`',
  RBRACKET: '`]`',
  LBRACE: '`{`',
  RBRACE: '`}`',
  DOT: '`.`',
  COMMA: '`,`',
  COLON: '`:`',
  QUESTION: '`?`',
};

function tokenText(token: string | undefined): string {
  return (token && TOKEN_TEXT[token]) ?? 'something unexpected';
}

/** Hints for the usual slips of people who write SQL, Python or spreadsheets. */
function syntaxHint(text: string, source: string, offset: number | undefined): string | undefined {
  const before = offset === undefined ? '' : source.slice(0, offset);
  if (text.startsWith('=')) return 'to compare values write == (or !=, <=, >=); a single = is not CEL';
  if (text === '&' || /^and$/i.test(text)) return "write && for 'and'";
  if (text === '|' || /^or$/i.test(text)) return "write || for 'or'";
  if (/\bnot\s*$/i.test(before)) return "write ! for 'not', e.g. !has(debtor.email)";
  if (text === ')') return "this ')' has no matching '('";
  if (/^[\w"'.]/.test(text)) return 'the expression before it is complete: is an operator such as && or || missing?';
  return undefined;
}

function describeParseError(err: ParseError, source: string): CelCheckFailure {
  const offset = err.range?.start;
  const text = err.range ? source.slice(err.range.start, err.range.end).trim() : '';
  switch (err.code) {
    case 'unexpected_token': {
      const token = /Unexpected token: (\w+)/.exec(err.summary)?.[1];
      if (token === 'EOF') {
        const tail = /(\S{1,20})\s*$/.exec(source)?.[1];
        return celFailure(
          'syntax',
          tail ? `the expression ends too early, after \`${tail}\`` : 'the expression is empty',
          offset,
          tail ? 'something is missing at the end, e.g. the right-hand side of an operator' : undefined,
        );
      }
      return celFailure(
        'syntax',
        `unexpected ${text ? `\`${text}\`` : tokenText(token)}`,
        offset,
        syntaxHint(text, source, offset),
      );
    }
    case 'expected_token': {
      const [, expected, got] = /Expected (\w+), got (\w+)/.exec(err.summary) ?? [];
      const message =
        got === 'EOF'
          ? `expected ${tokenText(expected)} before the end of the expression`
          : `expected ${tokenText(expected)} but found ${text ? `\`${text}\`` : tokenText(got)}`;
      return celFailure('syntax', message, offset, expected === 'RPAREN' ? "a closing ')' is missing" : undefined);
    }
    case 'unexpected_character':
      return celFailure('syntax', `unexpected \`${text || err.summary}\``, offset, syntaxHint(text, source, offset));
    case 'unterminated_string':
    case 'unterminated_triple_quoted_string':
    case 'newline_in_string':
      return celFailure('syntax', 'a string is not closed', offset, 'add the closing quote');
    case 'reserved_identifier':
      return celFailure('syntax', `\`${text}\` is a reserved word in CEL and cannot be used as a name`, offset);
    default:
      return celFailure('syntax', lowerFirst(err.summary), offset);
  }
}

function unknownField(
  objectPath: string | undefined,
  field: string,
  offset: number | undefined,
  attributes: AttributeTypes,
): CelCheckFailure {
  if (objectPath === 'attributes') {
    const close = closestName(field, Object.keys(attributes));
    return celFailure(
      'type',
      `attribute \`${field}\` is not declared`,
      offset,
      close
        ? `did you mean attributes.${close}?`
        : `declare it in journeys/attributes.yaml (kind: Attributes), e.g. ${field}: string`,
    );
  }
  const fields = objectPath === undefined ? undefined : objectFields(objectPath, attributes);
  if (!objectPath || !fields) return celFailure('type', `there is no field \`${field}\` here`, offset);
  const close = closestName(field, fields);
  return celFailure(
    'type',
    `\`${objectPath}\` has no field \`${field}\``,
    offset,
    close ? `did you mean ${objectPath}.${close}?` : `${objectPath} has: ${fields.join(', ')}`,
  );
}

function unknownName(name: string, offset: number | undefined, attributes: AttributeTypes): CelCheckFailure {
  const paths = allFieldPaths(attributes);
  const leafOf = (path: string) => path.slice(path.lastIndexOf('.') + 1);
  const exact = paths.find((path) => leafOf(path) === name);
  const root = closestName(name, CEL_ROOTS);
  const closeLeaf = closestName(name, paths.map(leafOf));
  const suggestion = exact ?? root ?? (closeLeaf ? paths.find((path) => leafOf(path) === closeLeaf) : undefined);
  return celFailure(
    'type',
    `unknown name \`${name}\``,
    offset,
    suggestion ? `did you mean ${suggestion}?` : `expressions can use ${CEL_ROOTS.join(', ')}`,
  );
}

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

function mismatchHint(left: string, right: string): string | undefined {
  const pair = new Set([left, right]);
  const numeric = (t: string) => t === 'int' || t === 'double';
  if (pair.has('int') && pair.has('double')) {
    return 'CEL does not mix int and double here: write whole numbers with a decimal point (1000.0), or convert with double(...)';
  }
  if (pair.has('string') && (numeric(left) || numeric(right) || pair.has('bool'))) {
    return 'compare values of the same type: strings are quoted ("FR"), numbers and true/false are not (300.0)';
  }
  if (pair.has('timestamp') && (numeric(left) || numeric(right))) {
    return "compare a timestamp with a timestamp (now > debt.dueDate + duration('72h')), or count days with debt.daysPastDue";
  }
  if (pair.has('timestamp') && pair.has('string')) {
    return "turn the text into a timestamp with timestamp('2026-01-31T00:00:00Z')";
  }
  return undefined;
}

/** Where the operator of a binary node sits: between its operands, else at the node. */
function operatorOffset(source: string, op: string, left: ASTNode, right: ASTNode): number | undefined {
  const at = source.indexOf(op, left.end);
  return at >= 0 && at < right.start ? at : undefined;
}

function noSuchOverload(err: CelTypeError, source: string): CelCheckFailure {
  const node = err.node;
  const offset = err.range?.start;
  if (node && Array.isArray(node.args) && node.args.length === 2 && node.args.every(isAstNode)) {
    const [leftNode, rightNode] = node.args as [ASTNode, ASTNode];
    const left = friendlyType(checkedTypeOf(leftNode) ?? 'dyn');
    const right = friendlyType(checkedTypeOf(rightNode) ?? 'dyn');
    const op = node.op;
    const at = operatorOffset(source, op, leftNode, rightNode) ?? offset;
    const message = COMPARISONS.has(op)
      ? `cannot compare ${withArticle(left)} with ${withArticle(right)} using \`${op}\``
      : op === 'in'
        ? `cannot look for ${withArticle(left)} in ${withArticle(right)}`
        : `\`${op}\` is not defined for ${withArticle(left)} and ${withArticle(right)}`;
    return celFailure('type', message, at, mismatchHint(left, right));
  }
  if (node && (node.op === '-_' || node.op === '!_') && isAstNode(node.args)) {
    const operand = friendlyType(checkedTypeOf(node.args) ?? 'dyn');
    return celFailure('type', `\`${node.op[0]}\` cannot be applied to ${withArticle(operand)}`, offset);
  }
  return celFailure('type', lowerFirst(friendlyType(err.summary)), offset);
}

function describeTypeError(err: CelTypeError, source: string, attributes: AttributeTypes): CelCheckFailure {
  const node = err.node;
  const offset = err.range?.start;
  const quoted = (re: RegExp) => friendlyType(re.exec(err.summary)?.[1] ?? 'dyn');
  switch (err.code) {
    case 'no_such_key': {
      const selection = node && selectedField(node);
      if (selection) return unknownField(selectionPath(selection.object), selection.field, offset, attributes);
      break;
    }
    case 'unknown_variable': {
      const name = node?.op === 'id' ? node.args : /Unknown variable: (\S+)/.exec(err.summary)?.[1];
      if (name) return unknownName(name, offset, attributes);
      break;
    }
    case 'cannot_index_type': {
      const selection = node && selectedField(node);
      const path = selection ? selectionPath(selection.object) : undefined;
      const type = quoted(/Cannot index type '(.+)'/);
      const field = selection ? ` \`${selection.field}\`` : 's';
      const subject = path ? `\`${path}\`` : 'this value';
      return celFailure('type', `${subject} is ${withArticle(type)} and has no field${field}`, offset);
    }
    case 'no_such_overload':
      return noSuchOverload(err, source);
    case 'no_matching_overload': {
      const signature = /overload for '(.+)'/.exec(err.summary)?.[1];
      if (signature) return celFailure('type', `no function matches \`${friendlyType(signature)}\``, offset);
      break;
    }
    case 'invalid_logical_operand': {
      // Point at the operand that is not a bool rather than at the whole && / || chain.
      const operands = node && Array.isArray(node.args) ? (node.args as unknown[]).filter(isAstNode) : [];
      const culprit = operands.find((n) => !['bool', 'dyn', undefined].includes(checkedTypeOf(n)));
      return celFailure(
        'type',
        `\`&&\` and \`||\` need true/false operands, got ${withArticle(quoted(/got '(.+)'/))}`,
        culprit?.start ?? offset,
        'compare the value first, e.g. debt.amountDue > 100.0',
      );
    }
    case 'invalid_condition_type':
      return celFailure(
        'type',
        `the condition of \`? :\` must be true/false, got ${withArticle(quoted(/got '(.+)'/))}`,
        offset,
      );
    case 'incompatible_ternary_branches': {
      const [, a, b] = /got '(.+)' and '(.+)'/.exec(err.summary) ?? [];
      if (a && b) {
        return celFailure(
          'type',
          `both branches of \`? :\` must have the same type, got ${friendlyType(a)} and ${friendlyType(b)}`,
          offset,
        );
      }
      break;
    }
  }
  return celFailure('type', lowerFirst(friendlyType(err.summary)), offset);
}

/** A cel-js error from parsing or checking `source`, as an author-facing failure. */
export function describeCelError(err: unknown, source: string, attributes: AttributeTypes): CelCheckFailure {
  if (err instanceof ParseError) return describeParseError(err, source);
  if (err instanceof CelTypeError) return describeTypeError(err, source, attributes);
  const message = err instanceof Error ? err.message : String(err);
  return celFailure('type', lowerFirst(friendlyType(message)));
}
