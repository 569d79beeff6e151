// A cluster's ports are chosen before its nodes start, so another process on the machine may take
// one in between (CI once failed so: "bind: address already in use" for node 2). The node that
// finds a port taken starts again on new ones, and the balanced address reaches it.
import { createServer, type Server } from 'node:net';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporalClusterInfo } from '../../api/temporal-cluster-info';
import { scratchDir } from '../../scripts/embedded-postgres';
import { nodePorts, startTemporalCluster, type NodePorts, type TemporalCluster } from '../../scripts/temporal-cluster';
import { temporalPostgresOf } from '../../scripts/temporal-schema';

jest.setTimeout(900_000);

const dir = scratchDir('kinerja-cluster-ports-');
let cluster: TemporalCluster | undefined;
let squatter: Server | undefined;

afterAll(async () => {
  await cluster?.stop();
  await new Promise((r) => (squatter ? squatter.close(r) : r(null)));
  rmSync(dir, { recursive: true, force: true });
});

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

test('a node whose port was taken before it bound it starts on new ports, behind the same address', async () => {
  const chosen: NodePorts[] = [];
  // the second node's first choice: its HTTP port is taken right after it was chosen
  const choosePorts = async () => {
    const ports = await nodePorts();
    chosen.push(ports);
    if (chosen.length === 2) squatter = await listen(ports.http);
    return ports;
  };
  cluster = await startTemporalCluster({
    dir: join(dir, 'temporal'),
    postgres: temporalPostgresOf(process.env.DATABASE_URL!),
    databasePrefix: `temporal_ports${process.pid}`,
    nodes: 2,
    choosePorts,
  });

  expect(chosen).toHaveLength(3); // two nodes, and new ports for the second
  expect(cluster.nodes[1].frontendAddress).toBe(`127.0.0.1:${chosen[2].grpc.frontend}`);
  expect(readFileSync(cluster.nodes[1].logFile, 'utf8')).toContain(`127.0.0.1:${chosen[1].http}: bind: address already in use`);

  // both nodes serve, and the balanced address reaches each (it takes them in turn)
  for (const address of [...cluster.nodes.map((n) => n.frontendAddress), cluster.address, cluster.address]) {
    const connection = await Connection.connect({ address });
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBeTruthy();
    } finally {
      await connection.close();
    }
  }
  // and the second node joined the ring on its new ports
  const connection = await Connection.connect({ address: cluster.address });
  try {
    const { members } = await temporalClusterInfo(new Client({ connection }));
    expect(members?.frontend).toHaveLength(2);
    expect(members?.frontend.join(' ')).toContain(`:${chosen[2].grpc.frontend}`);
  } finally {
    await connection.close();
  }
});
