/** Serialises the TypeBox definitions into the committed files of schemas/ (and checks for drift). */
import type { TSchema } from '@sinclair/typebox';
import { BEHAVIOUR_SCHEMA, ENROLLMENT_SCHEMA, KINDS } from './index.js';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

function serialise(schema: TSchema): string {
  const { $id, title, ...rest } = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  const doc = {
    $schema: DRAFT,
    $id,
    title,
    $comment: 'Generated from src/dsl by `npm run schemas` — do not edit by hand.',
    ...rest,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** File name in schemas/ → content. */
export function renderSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { schema, file } of Object.values(KINDS)) out[file] = serialise(schema);
  out[ENROLLMENT_SCHEMA.file] = serialise(ENROLLMENT_SCHEMA.schema);
  out[BEHAVIOUR_SCHEMA.file] = serialise(BEHAVIOUR_SCHEMA.schema);
  return out;
}
