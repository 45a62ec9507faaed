/**
 * Views of compiled plans for people: the terminal text and Mermaid graph of `settle plan`,
 * and the data and Markdown of `settle diff`. Pure Node-side code over the IR types only.
 */
export { formatPlanText } from './plan-text.js';
export { formatPlanMermaid, escapeMermaidLabel, type MermaidOptions, type Highlight } from './mermaid.js';
export { diffPlans, diffJourney } from './plan-diff.js';
export { formatDiffMarkdown, versionErrorLine, type DiffMarkdownOptions } from './diff/markdown.js';
export { diffLines, formatUnifiedDiff, type DiffLine, type DiffOp } from './line-diff.js';
export type * from './diff/types.js';
export { STEP_CHANGE_CATEGORIES } from './diff/types.js';
