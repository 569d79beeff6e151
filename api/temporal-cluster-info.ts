// What /health reports about the Temporal server behind the API: its version and number of history
// shards (WorkflowService.GetClusterInfo) and the members of each service's ring (the server's
// AdminService.DescribeCluster, which the SDK does not wrap: called over the client's own gRPC
// channel with the few message types it needs). The Java test server has no admin service: then the
// members are null.
import type { Client } from '@temporalio/client';
import type { Client as GrpcClient, ServiceError } from '@grpc/grpc-js';
import protobuf from 'protobufjs';

const DESCRIBE_CLUSTER = '/temporal.server.api.adminservice.v1.AdminService/DescribeCluster';

// Field numbers from temporal/server/api/{adminservice,cluster}/v1 (server v1.29.1).
const root = protobuf.Root.fromJSON({
  nested: {
    DescribeClusterRequest: { fields: { clusterName: { type: 'string', id: 1 } } },
    DescribeClusterResponse: { fields: { serverVersion: { type: 'string', id: 2 }, membershipInfo: { type: 'MembershipInfo', id: 3 }, clusterName: { type: 'string', id: 5 }, historyShardCount: { type: 'int32', id: 6 } } },
    MembershipInfo: { fields: { rings: { rule: 'repeated', type: 'RingInfo', id: 3 } } },
    RingInfo: { fields: { role: { type: 'string', id: 1 }, memberCount: { type: 'int32', id: 2 }, members: { rule: 'repeated', type: 'HostInfo', id: 3 } } },
    HostInfo: { fields: { identity: { type: 'string', id: 1 } } },
  },
});
const Request = root.lookupType('DescribeClusterRequest');
const Response = root.lookupType('DescribeClusterResponse');

interface DescribeCluster {
  serverVersion?: string;
  clusterName?: string;
  historyShardCount?: number;
  membershipInfo?: { rings?: Array<{ role?: string; members?: Array<{ identity?: string }> }> };
}

export interface TemporalClusterInfo {
  serverVersion: string | null;
  clusterName: string | null;
  historyShards: number | null;
  /** Each service's ring: the addresses of its members (one per server node). */
  members: Record<string, string[]> | null;
}

function describeCluster(client: Client, timeoutMs: number): Promise<DescribeCluster> {
  // the connection's channel (its address, TLS and keep-alive): the SDK exposes no admin service
  const channel = (client.connection as unknown as { client: GrpcClient }).client;
  return new Promise((resolve, reject) => {
    channel.makeUnaryRequest(
      DESCRIBE_CLUSTER,
      (m: object) => Buffer.from(Request.encode(Request.create(m)).finish()),
      (b: Buffer) => Response.toObject(Response.decode(b), { defaults: false }) as DescribeCluster,
      {},
      { deadline: Date.now() + timeoutMs },
      (err: ServiceError | null, value?: DescribeCluster) => (err ? reject(err) : resolve(value ?? {})),
    );
  });
}

export async function temporalClusterInfo(client: Client, timeoutMs = 3000): Promise<TemporalClusterInfo> {
  const info = await client.workflowService.getClusterInfo({});
  const described = await describeCluster(client, timeoutMs).catch(() => null);
  const members = described?.membershipInfo?.rings
    ? Object.fromEntries(described.membershipInfo.rings.map((r) => [r.role ?? '?', (r.members ?? []).map((m) => m.identity ?? '?').sort()]))
    : null;
  return {
    serverVersion: info.serverVersion || described?.serverVersion || null,
    clusterName: info.clusterName || null,
    historyShards: info.historyShardCount || described?.historyShardCount || null,
    members,
  };
}
