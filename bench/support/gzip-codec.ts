/**
 * A what-if for bench/enroll: a payload codec that gzips every payload (level 1), as a client and
 * worker could both be configured to do (`dataConverter.payloadCodecs`). Not used by Settle.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

const ProtoPayload = proto.temporal.api.common.v1.Payload;
const ENCODING = new TextEncoder().encode('binary/gzip');

export class GzipCodec implements PayloadCodec {
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => ({ metadata: { encoding: ENCODING }, data: gzipSync(ProtoPayload.encode(p).finish(), { level: 1 }) }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => (new TextDecoder().decode(p.metadata?.encoding) === 'binary/gzip' ? (ProtoPayload.decode(gunzipSync(p.data!)) as Payload) : p));
  }
}
