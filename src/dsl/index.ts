/**
 * The authoring format (apiVersion settle/v1): TypeBox definitions from which the TypeScript
 * types, schemas/*.json (editors, ajv) and the compiler's validators are all derived.
 */
import { Attributes } from './attributes.js';
import { BehaviourDocument } from './behaviour.js';
import { EnrollmentRecord } from './enrollment.js';
import { Journey } from './journey.js';
import { Policy } from './policy.js';
import { Segment } from './segment.js';
import { Template } from './template.js';

export * from './common.js';
export * from './journey.js';
export * from './segment.js';
export * from './template.js';
export * from './policy.js';
export * from './attributes.js';
export * from './enrollment.js';
export * from './behaviour.js';

/** Document kinds, with the schema each is validated against and its file in schemas/. */
export const KINDS = {
  Journey: { schema: Journey, file: 'journey.schema.json' },
  Segment: { schema: Segment, file: 'segment.schema.json' },
  Template: { schema: Template, file: 'template.schema.json' },
  Policy: { schema: Policy, file: 'policy.schema.json' },
  Attributes: { schema: Attributes, file: 'attributes.schema.json' },
} as const;
export type Kind = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as Kind[];

export const ENROLLMENT_SCHEMA = { schema: EnrollmentRecord, file: 'enrollment.schema.json' } as const;
/** The Behaviour kind (`settle simulate --behaviour`): not a project kind, validated on its own (compiler/behaviour.ts). */
export const BEHAVIOUR_SCHEMA = { schema: BehaviourDocument, file: 'behaviour.schema.json' } as const;
