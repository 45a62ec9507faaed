/**
 * Liquid message templates: the configured engine and locale filters, the compile-time check
 * the compiler runs on every template part, rendering for activities and `settle render`, and
 * the opt-out rules. Node-side only (liquidjs is not allowed in workflow code).
 */
export { createLiquid, REFUSED_TAGS, type CreateLiquidOptions } from './engine.js';
export { LOCALE_FILTERS, money, number, localdate, registerLocaleFilters } from './filters.js';
export { formatRenderOptions, formatSettingsOf, type FormatSettings } from './format-context.js';
export { checkLiquid, type CheckResult, type TemplateIssue, type TemplateScope } from './check.js';
export { VariableJudge, type PathVerdict } from './variables.js';
export { closestPath } from './closest-path.js';
export {
  createRenderer,
  renderMessage,
  TemplateRenderError,
  type EnrollmentRecordLike,
  type MessageLinks,
  type RenderedMessage,
  type Renderer,
  type RendererOptions,
  type RenderMessageOptions,
  type TemplatePart,
} from './render.js';
export { chooseLocale, formattingLocale } from './locale.js';
export { daysPastDue } from './days.js';
export { smsOptOutPresent, emailOptOutPresent, DEFAULT_SMS_OPT_OUT_KEYWORD } from './opt-out.js';
export { LruCache } from './lru.js';
