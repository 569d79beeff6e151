// A Temporal cluster of real server processes on one machine: N nodes (default 2), each running
// every service (frontend, history, matching, worker) with ports of its own, sharing Temporal's two
// PostgreSQL databases and joining one membership ring through them; a TCP balancer in front of the
// frontends (the one address clients use) and, optionally, the Web UI server. Used by
// `npm start -- --cluster` and by the cluster tests, faults and benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporalClusterInfo } from '../api/temporal-cluster-info';
import { freeLowPort } from './free-port';
import { resolveClusterBinaries, resolveUiServer } from './temporal-cluster-binaries';
import { ensureTemporalSchemas, temporalDatabases, type TemporalPostgres } from './temporal-schema';
import { startFrontendBalancer, type FrontendBalancer } from './frontend-balancer';
import { DYNAMIC_CONFIG_FILE } from './temporal-dynamic-config';
import { DEFAULT_RETENTION_DAYS, ensureRetention, ensureSearchAttributes, stopProcess } from './dev-server';
import { searchAttributeDefinitions } from '../workflows/search-attributes';
import { msToTs } from '@temporalio/common/lib/time';

export const DEFAULT_HISTORY_SHARDS = 8;
export const DEFAULT_CLUSTER_NODES = 2;

const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;

export interface ClusterNode {
  readonly index: number;
  /** This node's own frontend (clients use the cluster's balanced address). */
  readonly frontendAddress: string;
  process: ChildProcess | null;
  readonly logFile: string;
  /** kill -9; resolves when the process is gone. */
  kill9(): Promise<number>;
  /** Starts the node again on the same ports and configuration; resolves when it serves. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface TemporalCluster {
  /** The balanced frontend address. */
  address: string;
  nodes: ClusterNode[];
  historyShards: number;
  uiUrl: string | null;
  ui: ChildProcess | null;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Where the configuration and logs go (one subdirectory per node). */
  dir: string;
  postgres: TemporalPostgres;
  /** Names Temporal's two databases (`PREFIX` and `PREFIX_visibility`); default `temporal`. */
  databasePrefix?: string;
  /** The balanced frontend's port (0: a free one). */
  port?: number;
  /** The Web UI's port; null: no UI. */
  uiPort?: number | null;
  nodes?: number;
  historyShards?: number;
  retentionDays?: number;
  /** Chooses a node's ports (default `nodePorts`; a test passes one that hands out a taken port). */
  choosePorts?: () => Promise<NodePorts>;
  /** Log level of the server nodes (their logs go to files under `dir`). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export interface NodePorts {
  grpc: Record<(typeof SERVICES)[number], number>;
  membership: Record<(typeof SERVICES)[number], number>;
  http: number;
}

/** Ports for one node: free below 32768 when chosen, bound only when the node starts. */
export async function nodePorts(): Promise<NodePorts> {
  const grpc = {} as NodePorts['grpc'];
  const membership = {} as NodePorts['membership'];
  for (const s of SERVICES) {
    grpc[s] = await freeLowPort();
    membership[s] = await freeLowPort();
  }
  return { grpc, membership, http: await freeLowPort() };
}

/** The server's static configuration for one node (JSON is YAML; modelled on the module's development-postgres12.yaml). */
function nodeConfig(o: { postgres: TemporalPostgres; databases: { main: string; visibility: string }; shards: number; ports: NodePorts; address: string; logLevel: string }) {
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12', databaseName, connectAddr: `${o.postgres.host}:${o.postgres.port}`, connectProtocol: 'tcp',
      user: o.postgres.user, password: o.postgres.password, maxConns, maxIdleConns: maxConns, maxConnLifetime: '1h',
    },
  });
  return {
    log: { stdout: true, level: o.logLevel },
    persistence: {
      defaultStore: 'postgres-default', visibilityStore: 'postgres-visibility', numHistoryShards: o.shards,
      datastores: { 'postgres-default': store(o.databases.main, 20), 'postgres-visibility': store(o.databases.visibility, 4) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: Object.fromEntries(SERVICES.map((s) => [s, {
      rpc: { grpcPort: o.ports.grpc[s], membershipPort: o.ports.membership[s], bindOnLocalHost: true, ...(s === 'frontend' ? { httpPort: o.ports.http } : {}) },
    }])),
    clusterMetadata: {
      enableGlobalNamespace: false, failoverVersionIncrement: 10, masterClusterName: 'active', currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: o.address } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: DYNAMIC_CONFIG_FILE, pollInterval: '10s' },
  };
}

async function waitUntilServing(address: string, what: string, alive: () => string | null, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const died = alive();
    if (died) throw new Error(`${what} exited: ${died}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: '1s' });
      try {
        await connection.workflowService.getSystemInfo({});
        // the frontend answers before this node's history service has joined: wait for the namespace API
        await connection.workflowService.listNamespaces({ pageSize: 1 });
      } finally {
        await connection.close();
      }
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${what} did not serve within ${timeoutMs / 1000} s: ${String(last)}`);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-3000);
  } catch {
    return '';
  }
}

/** A node exited because one of its ports was taken between choosing it and binding it (by another process on the machine). */
class PortTaken extends Error {
  constructor(index: number, cause: unknown) {
    super(`Temporal node ${index}: a port was taken before it could bind it`, { cause });
  }
}

function makeNode(index: number, server: string, nodeDir: string, ports: NodePorts): ClusterNode {
  const logFile = join(nodeDir, 'server.log');
  const node: ClusterNode = {
    index,
    frontendAddress: `127.0.0.1:${ports.grpc.frontend}`,
    process: null,
    logFile,
    async start() {
      const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
      const fd = openSync(logFile, 'a');
      const previous = process.umask(0o077); // its logs name workflows and officials
      try {
        node.process = spawn(server, ['--root', nodeDir, '--config', 'config', '--env', 'node', '--allow-no-auth', 'start'], { stdio: ['ignore', fd, fd] });
      } finally {
        process.umask(previous);
        closeSync(fd);
      }
      const child = node.process;
      try {
        await waitUntilServing(node.frontendAddress, `Temporal node ${index}`, () => (child.exitCode !== null ? `${child.exitCode}\n${tail(logFile)}` : null));
      } catch (err) {
        if (child.exitCode !== null && readFileSync(logFile).subarray(logStart).toString('utf8').includes('bind: address already in use')) throw new PortTaken(index, err);
        throw err;
      }
    },
    async kill9() {
      const child = node.process;
      if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`Temporal node ${index} is not running`);
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
      node.process = null;
      return child.pid!;
    },
    async stop() {
      if (node.process) await stopProcess(node.process, 10_000);
      node.process = null;
    },
  };
  return node;
}

/** Registers the `default` namespace on a new cluster (the dev server and docker's auto-setup make it themselves). */
async function ensureNamespace(address: string, namespace: string, retentionDays: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.describeNamespace({ namespace }).catch(async () => {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(retentionDays * 86_400_000) })
        .catch((err: { code?: number }) => { if (err.code !== 6 /* ALREADY_EXISTS */) throw err; });
    });
  } finally {
    await connection.close();
  }
}

/**
 * Unlike the dev server, a node learns of a new namespace and new search attributes from its cache
 * (refreshed every few seconds): until then a start carrying them fails ("no mapping defined for
 * search attribute"). Waits until every node's frontend accepts a query over all of them.
 */
async function waitUntilVisibleEverywhere(nodes: ClusterNode[], namespace: string, query: string): Promise<void> {
  for (const node of nodes) {
    const connection = await Connection.connect({ address: node.frontendAddress });
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          await connection.workflowService.listWorkflowExecutions({ namespace, query, pageSize: 1 });
          await connection.workflowService.countWorkflowExecutions({ namespace, query });
          break;
        } catch (err) {
          if (Date.now() > deadline) throw new Error(`node ${node.index} did not accept the query ${query} within 60 s: ${String(err)}`);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    } finally {
      await connection.close();
    }
  }
}

/**
 * Every node sees every node in each service's ring. A node restarted on data of an earlier run
 * serves (its frontend answers) before the other node's services have joined its ring: until then
 * shards sit on one node and /health shows one member.
 */
async function waitUntilRingsComplete(nodes: ClusterNode[]): Promise<void> {
  for (const node of nodes) {
    const client = new Client({ connection: await Connection.connect({ address: node.frontendAddress }) });
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const members = await temporalClusterInfo(client).then((info) => info.members, () => null);
        if (members && SERVICES.every((role) => (members[role] ?? []).length === nodes.length)) break;
        if (Date.now() > deadline) throw new Error(`node ${node.index} sees ${JSON.stringify(members)} after 60 s, not ${nodes.length} members of each service`);
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      await client.connection.close();
    }
  }
}

/** A query naming every search attribute Kinerja's workflows carry. */
const everySearchAttribute = searchAttributeDefinitions
  .map((a) => `${a.name} = ${a.type === 'Keyword' ? "'probe'" : a.type === 'Int' ? '0' : 'false'}`)
  .join(' AND ');

function startUi(binary: string, dir: string, temporalAddress: string, port: number): ChildProcess {
  const uiDir = join(dir, 'ui');
  mkdirSync(join(uiDir, 'config'), { recursive: true, mode: 0o700 });
  const config = {
    temporalGrpcAddress: temporalAddress, host: '127.0.0.1', port, enableUi: true, defaultNamespace: 'default',
    cors: { allowOrigins: [`http://127.0.0.1:${port}`], cookieInsecure: true }, notifyOnNewVersion: false,
  };
  writeFileSync(join(uiDir, 'config', 'base.yaml'), JSON.stringify(config, null, 2) + '\n');
  writeFileSync(join(uiDir, 'config', 'kinerja.yaml'), JSON.stringify(config, null, 2) + '\n');
  const fd = openSync(join(uiDir, 'ui.log'), 'a');
  try {
    return spawn(binary, ['--root', uiDir, '--config', 'config', '--env', 'kinerja', 'start'], { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
}

export async function startTemporalCluster(options: ClusterOptions): Promise<TemporalCluster> {
  const binaries = resolveClusterBinaries();
  const uiBinary = options.uiPort ? resolveUiServer() : null;
  const shards = options.historyShards ?? DEFAULT_HISTORY_SHARDS;
  const count = options.nodes ?? DEFAULT_CLUSTER_NODES;
  await ensureTemporalSchemas(binaries, options.postgres, options.databasePrefix);
  const databases = temporalDatabases(options.databasePrefix);
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const allPorts: NodePorts[] = [];
  const choosePorts = options.choosePorts ?? nodePorts;
  for (let i = 0; i < count; i++) allPorts.push(await choosePorts());
  const frontendOf = (ports: NodePorts) => ({ host: '127.0.0.1', port: ports.grpc.frontend });
  const balancer: FrontendBalancer = await startFrontendBalancer(allPorts.map(frontendOf), options.port ?? 0);
  const configure = (i: number, ports: NodePorts) => {
    const nodeDir = join(options.dir, `node-${i + 1}`);
    mkdirSync(join(nodeDir, 'config'), { recursive: true, mode: 0o700 });
    // holds the database password: its owner's only
    writeFileSync(join(nodeDir, 'config', 'node.yaml'), JSON.stringify(nodeConfig({ postgres: options.postgres, databases, shards, ports, address: balancer.address, logLevel: options.logLevel ?? 'warn' }), null, 2) + '\n', { mode: 0o600 });
    return makeNode(i + 1, binaries.server, nodeDir, ports);
  };
  const nodes = allPorts.map((ports, i) => configure(i, ports));
  // ports are chosen before the nodes start: one taken meanwhile gets the node new ones
  const startOnFreePorts = async (i: number) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await nodes[i].start();
      } catch (err) {
        if (!(err instanceof PortTaken) || attempt === 3) throw err;
        const ports = await choosePorts();
        nodes[i] = configure(i, ports);
        balancer.retarget(i, frontendOf(ports));
      }
    }
  };
  let ui: ChildProcess | null = null;
  const stop = async () => {
    if (ui) await stopProcess(ui);
    await balancer.close();
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    // the first node alone creates the cluster's metadata and shards; the others then join it
    await startOnFreePorts(0);
    await Promise.all(nodes.slice(1).map((_, i) => startOnFreePorts(i + 1)));
    await ensureNamespace(balancer.address, 'default', options.retentionDays ?? DEFAULT_RETENTION_DAYS);
    await waitUntilVisibleEverywhere(nodes, 'default', "WorkflowType = 'probe'");
    await ensureSearchAttributes(balancer.address);
    await waitUntilVisibleEverywhere(nodes, 'default', everySearchAttribute);
    await ensureRetention(balancer.address, 'default', options.retentionDays ?? DEFAULT_RETENTION_DAYS);
    await waitUntilRingsComplete(nodes);
    if (uiBinary && options.uiPort) ui = startUi(uiBinary, options.dir, balancer.address, options.uiPort);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    address: balancer.address,
    nodes,
    historyShards: shards,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : null,
    get ui() {
      return ui;
    },
    stop,
  };
}

