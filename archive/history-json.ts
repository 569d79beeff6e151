// Temporal's JSON form of a history (proto3 JSON: what `temporal workflow show --output json`
// prints and the Temporal UI imports). @temporalio/common has historyToJSON/historyFromJSON, but
// with protobufjs installed twice (here: one copy under @temporalio/common, one under
// @temporalio/proto, as npm lays out 1.24 beside grpc's protobufjs 7) they fail with "type must be
// a Type"; so the converter is taken from the protobufjs copy that @temporalio/proto's types belong to.
import { dirname } from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import type { History } from './history-codec';

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

const protojson: ProtoJson = require(require.resolve('protobufjs/ext/protojson', { paths: [dirname(require.resolve('@temporalio/proto/package.json'))] }));
const historyType = (patchProtobufRoot(proto) as any).lookupType('temporal.api.history.v1.History');

/** The history as a JSON value (`{ events: [...] }`), the same as the Temporal CLI's. */
export function historyToJson(history: History): { events: unknown[] } {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)) as { events: unknown[] };
}

export function historyFromJson(json: unknown): proto.temporal.api.history.v1.History {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { events?: unknown }).events)) {
    throw new TypeError('not a Temporal JSON history (an object with "events")');
  }
  const message = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  return proto.temporal.api.history.v1.History.decode(historyType.encode(message).finish());
}
