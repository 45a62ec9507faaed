/**
 * CEL for journeys and segments (docs/reference.md#cel-expressions): the one import for the compiler
 * (checkCel, referencedAttributes) and the workflow (compileCel, celInput, evaluateBool,
 * evaluateTimestamp). The pieces live in cel-*.ts, one concept each. Workflow-safe.
 */
export { checkCel, type CelCheck, type CelCheckFailure, type CelCheckSuccess, type CelExpectedType } from './check.js';
export { compileCel, evaluateBool, evaluateCel, evaluateTimestamp, type CompiledCel } from './eval.js';
export { CelCompileError, CelEvaluationError } from './errors.js';
export {
  celInput,
  celInputAt,
  celRecordValues,
  type CelInput,
  type CelInputOptions,
  type CelRecord,
  type CelRecordValues,
} from './input.js';
export { referencedAttributes } from './ast.js';
export { ENGAGEMENT_EVENTS, type AttributeTypes } from './schema.js';
