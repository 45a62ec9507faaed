/**
 * History ⇄ JSON (the format of `temporal workflow show --output json`) for replay fixtures.
 *
 * Uses `historyToJSON` / `historyFromJSON` from `@temporalio/common/lib/proto-utils` when they
 * work. In this project's install they throw `TypeError: type must be a Type`: the protobufjs
 * 7 that @grpc/proto-loader needs sits at node_modules/protobufjs, so @temporalio/common and
 * @temporalio/proto each get their own nested copy of protobufjs 8, and common's ProtoJSON
 * extension rejects the reflected types of proto's copy (an `instanceof` across two copies of
 * one library). The fallback is the same conversion with the ProtoJSON extension of the copy
 * @temporalio/proto itself uses, so it works with either layout. (`Worker.runReplayHistory`
 * converts JSON with the broken function too, hence `historyFromFixture` before replaying.)
 */
import { createRequire } from 'node:module';
import {
  historyFromJSON as sdkHistoryFromJSON,
  historyToJSON as sdkHistoryToJSON,
  type History,
} from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root.js';

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): History | null;
}

function isCopyMismatch(e: unknown): boolean {
  return e instanceof TypeError && /must be a Type/.test(e.message);
}

let fallback: { protojson: ProtoJson; historyType: unknown } | undefined;
function sameCopy(): { protojson: ProtoJson; historyType: unknown } {
  if (!fallback) {
    const require = createRequire(import.meta.url);
    const fromProto = createRequire(require.resolve('@temporalio/proto'));
    const protojson = fromProto('protobufjs/ext/protojson') as ProtoJson;
    const root = patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown };
    fallback = { protojson, historyType: root.lookupType('temporal.api.history.v1.History') };
  }
  return fallback;
}

/** A fetched history (`handle.fetchHistory()`) as ProtoJSON text. */
export function historyToJSON(history: History): string {
  try {
    return sdkHistoryToJSON(history);
  } catch (e) {
    if (!isCopyMismatch(e)) throw e;
    const { protojson, historyType } = sameCopy();
    return JSON.stringify(
      protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)),
      null,
      2,
    );
  }
}

/** ProtoJSON (parsed) back to a History, ready for `Worker.runReplayHistory`. */
export function historyFromJSON(json: unknown): History {
  try {
    return sdkHistoryFromJSON(json);
  } catch (e) {
    if (!isCopyMismatch(e)) throw e;
    const { protojson, historyType } = sameCopy();
    const loaded = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
    if (loaded === null) throw new TypeError('invalid history JSON');
    return loaded;
  }
}
