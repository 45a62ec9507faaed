/**
 * The data of `settle diff`: what changed between two sets of compiled plans, journey by
 * journey. Kept separate from the Markdown so the CLI can decide its exit code from
 * `versionErrors` and tests can assert on changes without parsing text. Values are display
 * strings ("3d", "Mon–Fri 08:00–21:00"), phrased as `settle plan` phrases them.
 */
import type { PlanStepKind } from '../../ir/plan.js';
import type { DiffLine } from '../line-diff.js';

/** One field that differs; `before` absent = added, `after` absent = removed. */
export interface FieldChange {
  field: string;
  before?: string;
  after?: string;
}

/** Reading order of the categories in the Markdown. */
export const STEP_CHANGE_CATEGORIES = [
  'kind',
  'rewired',
  'timing',
  'send',
  'events',
  'branch',
  'split',
  'webhook',
  'exit',
] as const;
export type StepChangeCategory = (typeof STEP_CHANGE_CATEGORIES)[number];

export interface StepChange extends FieldChange {
  step: string;
  category: StepChangeCategory;
}

export interface StepRef {
  id: string;
  kind: PlanStepKind;
  /** One line, e.g. "email · friendly-reminder · payment link". */
  summary: string;
}

export interface TemplatePartChange {
  locale: string;
  part: 'subject' | 'text' | 'html';
  status: 'added' | 'removed' | 'changed';
  lines: DiffLine[];
}

export interface TemplateChange {
  template: string;
  status: 'added' | 'removed' | 'changed';
  /** channel, defaultLocale. */
  fields: FieldChange[];
  parts: TemplatePartChange[];
}

/** A journey whose plan changed without a version increase (or whose version went down). */
export interface VersionError {
  journey: string;
  before: number;
  after: number;
  reason: 'not-bumped' | 'decreased';
}

export interface JourneyDiff {
  journey: string;
  before: { version: number; sourceHash: string };
  after: { version: number; sourceHash: string };
  /** The sourceHash differs or some plan content differs (description and owner excluded). */
  planChanged: boolean;
  versionError?: VersionError;
  /** goal, start, description, owner, payment plans, attribute types. */
  journeyFields: FieldChange[];
  stepsAdded: StepRef[];
  stepsRemoved: StepRef[];
  /** Steps whose id changed and nothing else (routes to them followed the new id). */
  stepsRenamed: StepRename[];
  stepChanges: StepChange[];
  policy: FieldChange[];
  templates: TemplateChange[];
  /** Mermaid flowcharts of both versions, changed steps highlighted. */
  graphs: { before: string; after: string };
  /** The flowcharts differ once highlights are left aside (a wording change alone does not change them). */
  graphChanged: boolean;
}

export interface StepRename {
  from: string;
  to: string;
  kind: PlanStepKind;
}

/** One template change, shown once in the comment with every journey it reaches. */
export interface SharedTemplateChange {
  change: TemplateChange;
  /** The changed journeys that embed this change, by name. */
  journeys: string[];
}

/** A template part rendered for the example record, before and after the change. */
export interface TemplatePreview {
  template: string;
  locale: string;
  part: 'subject' | 'text' | 'html';
  before?: string;
  after?: string;
  /** Why a side could not be rendered (a missing value, a Liquid error). */
  error?: string;
  /** SMS text only: characters and billed segments of each side. */
  sms?: { before?: SmsSize; after?: SmsSize };
}

export interface SmsSize {
  encoding: string;
  units: number;
  segments: number;
}

export interface JourneyEntry {
  journey: string;
  version: number;
  steps: number;
  graph: string;
}

export interface PlanDiff {
  added: JourneyEntry[];
  removed: JourneyEntry[];
  changed: JourneyDiff[];
  unchanged: JourneyEntry[];
  /** The template changes of the changed journeys, each once, by template name. */
  templates: SharedTemplateChange[];
  /** Non-empty → `settle diff` exits 1. */
  versionErrors: VersionError[];
}
