/** The Segment kind: routes each enrolled debt to a journey (first match by priority). */
import { Type, type Static } from '@sinclair/typebox';
import { Cel, Document, Metadata, ResourceName } from './common.js';

export const SegmentSpec = Type.Object(
  {
    when: Cel({ description: 'CEL condition evaluated at the enrollment instant.' }),
    journey: ResourceName({ description: 'The Journey debts of this segment enter.' }),
    priority: Type.Integer({ minimum: 0, description: 'Lowest number first; ties broken by name.' }),
  },
  { additionalProperties: false, description: 'Which debts enter which journey.' },
);

export const Segment = Document('Segment', Metadata, SegmentSpec, {
  $id: 'https://settle.dev/schemas/segment.schema.json',
  title: 'Settle Segment',
});
export type Segment = Static<typeof Segment>;
