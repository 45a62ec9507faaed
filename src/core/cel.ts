/**
 * CEL for journeys and segments (docs/reference.md#cel-expressions): the one import for the compiler
 * (checkCel, referencedAttributes) and the workflow (compileCel, celInput, evaluateBool,
 * evaluateTimestamp). The pieces live in cel-*.ts, one concept each. Workflow-safe.
 */
export {
  checkCel,
  type CelCheck,
  type CelCheckFailure,
  type CelCheckSuccess,
  type CelExpectedType,
} from './cel-check.js';
export { compileCel, evaluateBool, evaluateCel, evaluateTimestamp, type CompiledCel } from './cel-eval.js';
export { CelCompileError, CelEvaluationError } from './cel-errors.js';
export {
  celInput,
  celInputAt,
  celRecordValues,
  type CelInput,
  type CelInputOptions,
  type CelRecord,
  type CelRecordValues,
} from './cel-input.js';
export { referencedAttributes } from './cel-ast.js';
export { ENGAGEMENT_EVENTS, type AttributeTypes } from './cel-schema.js';
