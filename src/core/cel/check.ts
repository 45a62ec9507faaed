/**
 * Compile-time checking of journey and segment expressions (`when`, `until`): syntax, types
 * against the enrollment record, the expected result type, and the literals cel-js would only
 * reject when it runs (`duration('3d')`, field access on a timestamp). So a typo fails in the
 * pull request, not at 3 a.m. Workflow-safe: pure.
 */
import type { ASTNode, ParseResult } from '@marcbachmann/cel-js';
import { attributesInAst, checkedTypeOf, forEachNode, isAstNode, selectedField, selectionPath } from './ast.js';
import { describeCelError, celFailure, withArticle, type CelCheckFailure } from './diagnose.js';
import { celEnvironment, literalEnvironment } from './env.js';
import { minutesOfClock } from './time.js';
import { CEL_DURATION, CEL_TIMESTAMP, friendlyType, type AttributeTypes } from './schema.js';

export type { CelCheckFailure } from './diagnose.js';

export interface CelCheckSuccess {
  ok: true;
  /** Result type as authors spell it: bool, int, double, string, timestamp, duration, … */
  type: string;
  /** Custom attributes the expression reads, sorted. */
  attributesUsed: string[];
}

export type CelCheck = CelCheckSuccess | CelCheckFailure;

/** Result types a step can ask for. */
export type CelExpectedType = 'bool' | 'timestamp';

const TIME_TYPES = new Set([CEL_TIMESTAMP, CEL_DURATION]);

/** `now.year`: cel-js types field access on its timestamp and duration as dyn instead of failing. */
function fieldOnTime(root: ASTNode): CelCheckFailure | undefined {
  let found: CelCheckFailure | undefined;
  forEachNode(root, (node) => {
    if (found) return;
    const selection = selectedField(node);
    const type = selection && checkedTypeOf(selection.object);
    if (!selection || !type || !TIME_TYPES.has(type)) return;
    const named = selectionPath(selection.object);
    const path = named ? `\`${named}\`` : `this ${friendlyType(type)}`;
    found = celFailure(
      'type',
      `${path} is ${withArticle(friendlyType(type))} and has no field \`${selection.field}\``,
      node.op === '.' || node.op === '.?' ? node.pos : node.start,
      type === CEL_TIMESTAMP
        ? 'timestamps have methods such as getDayOfWeek("Europe/Paris"); to count days past due use debt.daysPastDue'
        : undefined,
    );
  });
  return found;
}

/** `duration('3d')` passes cel-js's checker and fails when run: try each literal now. */
function badTimeLiteral(root: ASTNode): CelCheckFailure | undefined {
  let found: CelCheckFailure | undefined;
  forEachNode(root, (node) => {
    if (found || node.op !== 'call') return;
    const [name, args] = node.args;
    const clock = args[2];
    if (name === 'localTime' && args.length === 3 && isAstNode(clock) && clock.op === 'value') {
      if (typeof clock.args === 'string' && minutesOfClock(clock.args) === undefined) {
        found = celFailure(
          'type',
          `\`${clock.args}\` is not a time of day`,
          clock.start,
          "write a 24-hour local time as HH:MM, e.g. localTime(debt.dueDate, -5, '10:00')",
        );
      }
      return;
    }
    const arg = args[0];
    if ((name !== 'duration' && name !== 'timestamp') || args.length !== 1 || !isAstNode(arg)) return;
    if (arg.op !== 'value' || typeof arg.args !== 'string') return;
    try {
      literalEnvironment().evaluate(`${name}(s)`, { s: arg.args });
    } catch {
      found =
        name === 'duration'
          ? celFailure(
              'type',
              `\`${arg.args}\` is not a CEL duration`,
              arg.start,
              "CEL durations count h, m, s (or ms, us, ns), e.g. duration('72h') for 3 days; d and w do not exist in CEL",
            )
          : celFailure(
              'type',
              `\`${arg.args}\` is not a CEL timestamp`,
              arg.start,
              "write an RFC 3339 date and time with its zone, e.g. timestamp('2026-01-31T00:00:00Z')",
            );
    }
  });
  return found;
}

const EXPECTED_HINT: Readonly<Record<CelExpectedType, string>> = {
  bool: "compare or test the value, e.g. debt.amountDue > 100.0 or now > debt.dueDate + duration('72h')",
  timestamp: "compute an instant, e.g. debt.dueDate + duration('72h')",
};

function wrongResult(actual: string, expected: CelExpectedType): CelCheckFailure {
  const what = expected === 'bool' ? 'a bool (true or false)' : 'a timestamp';
  const got = actual === 'dyn' ? 'its type is only known when it runs' : `it is ${withArticle(actual)}`;
  return celFailure('type', `this expression must give ${what}, but ${got}`, undefined, EXPECTED_HINT[expected]);
}

/**
 * Parses and checks `source` once: the outcome, and on success the program to run. Shared
 * by checkCel (compile time) and compileCel (run time).
 */
export function analyseCel(
  source: string,
  attributes: AttributeTypes,
  expected?: CelExpectedType,
): { check: CelCheck; program?: ParseResult } {
  let program: ParseResult;
  try {
    program = celEnvironment(attributes).parse(source);
  } catch (err) {
    return { check: describeCelError(err, source, attributes) };
  }
  const result = program.check();
  if (!result.valid || result.type === undefined) {
    return { check: describeCelError(result.error, source, attributes) };
  }
  const extra = fieldOnTime(program.ast) ?? badTimeLiteral(program.ast);
  if (extra) return { check: extra };
  const type = friendlyType(result.type);
  if (expected && type !== expected) return { check: wrongResult(type, expected) };
  return { check: { ok: true, type, attributesUsed: attributesInAst(program.ast) }, program };
}

/**
 * Checks an expression against the record schema and the project's declared attributes,
 * expecting a `bool` (branch `when`, segment rules) or a `timestamp` (wait `until`).
 */
export function checkCel(source: string, attributes: AttributeTypes, expected: CelExpectedType): CelCheck {
  return analyseCel(source, attributes, expected).check;
}
