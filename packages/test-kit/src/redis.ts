// Redis for tests: the machine's shared server (127.0.0.1:6379), a unique key prefix per run, and
// servers of a test's own on free ports, for the tests that break Redis. Never break the shared one.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient, type RedisClientType } from 'redis';

const run = promisify(execFile);

/** The machine's shared Redis. */
export const SHARED_REDIS_URL = process.env.PORTCULLIS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A key prefix no other test run uses.
 *
 * @example
 * ```ts
 * const prefix = uniquePrefix('deny'); // 'pcs-test-deny-1f3a9c…:'
 * ```
 */
export function uniquePrefix(label: string): string {
  return `pcs-test-${label}-${process.pid}-${Math.random().toString(36).slice(2, 10)}:`;
}

/** A node-redis client connected to `url`, whose errors go nowhere (tests watch outcomes). */
export type TestClient = RedisClientType;

/**
 * Connect a node-redis client, reconnecting quickly, its errors swallowed.
 *
 * @example
 * ```ts
 * const client = await connectClient(SHARED_REDIS_URL);
 * ```
 */
export async function connectClient(url: string = SHARED_REDIS_URL): Promise<TestClient> {
  const client: TestClient = createClient({
    url,
    socket: { reconnectStrategy: () => 50, connectTimeout: 1000 },
  });
  client.on('error', () => {});
  return await client.connect();
}

/**
 * A port nothing listens on now.
 *
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A `redis-server` of the test's own.
 *
 * @example
 * ```ts
 * const server = await startRedisServer();
 * await server.cli('CLIENT', 'PAUSE', '500');
 * await server.stop();
 * ```
 */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Its data directory (AOF lives here when `appendonly` is on). */
  readonly dir: string;
  /** Run a command with redis-cli; the reply as text. */
  cli(...args: string[]): Promise<string>;
  /** Kill it at once (SIGKILL): connections drop, nothing is saved. */
  kill(): Promise<void>;
  /** Start it again on the same port and directory (after `kill()`). */
  restart(): Promise<void>;
  /** Kill it and remove its directory. */
  stop(): Promise<void>;
}

async function waitForPing(port: number, deadline: number): Promise<void> {
  for (;;) {
    try {
      const { stdout } = await run('redis-cli', ['-p', String(port), 'PING']);
      if (stdout.trim() === 'PONG') return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Start a `redis-server` on a free port of 127.0.0.1, with `extra` arguments
 * (say `['--appendonly', 'yes']`).
 *
 * @example
 * ```ts
 * const server = await startRedisServer(['--appendonly', 'yes', '--appendfsync', 'always']);
 * ```
 */
export async function startRedisServer(extra: string[] = []): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pcs-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--enable-debug-command',
    'local',
    ...extra,
  ];
  let child: ChildProcess | undefined;
  async function start(): Promise<void> {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    await waitForPing(port, Date.now() + 10_000);
  }
  async function kill(): Promise<void> {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  }
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async cli(...command) {
      const { stdout } = await run('redis-cli', ['-p', String(port), ...command]);
      return stdout.trim();
    },
    kill,
    restart: start,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One master of a {@link RedisCluster}.
 *
 * @example
 * ```ts
 * const owner = await cluster.ownerOf('{app}:key');
 * await owner.kill();
 * await owner.restart();
 * ```
 */
export interface ClusterNode {
  readonly port: number;
  /**
   * Its cluster bus port, a free port of its own (`--cluster-port`), not the default port + 10,000,
   * which may be out of range or taken.
   */
  readonly busPort: number;
  readonly url: string;
  /** Its data directory: `nodes.conf` and the AOF live here. */
  readonly dir: string;
  /** Its cluster node id (`CLUSTER MYID`). */
  readonly id: string;
  /** Whether its process is running. */
  readonly running: boolean;
  /** Run a command with redis-cli against this node; the reply as text (raw mode). */
  cli(...args: string[]): Promise<string>;
  /**
   * Kill it at once (SIGKILL): connections drop, nothing more is written. Bring it back within
   * `nodeTimeout`, or the other masters mark it failed and, its slots uncovered, every node answers
   * CLUSTERDOWN until it is back.
   */
  kill(): Promise<void>;
  /**
   * Start it again on the same ports and directory (after `kill()`), with its `nodes.conf` and AOF,
   * and wait until it answers. A restarted master answers CLUSTERDOWN for about 2 s more (Redis
   * waits that long before it serves again); {@link RedisCluster.waitUntilOk} waits for that.
   */
  restart(): Promise<void>;
}

/**
 * A Redis Cluster of the test's own: masters only, no replicas.
 *
 * @example
 * ```ts
 * const cluster = await startRedisCluster();
 * const client = await createCluster({ rootNodes: cluster.rootNodes.map((url) => ({ url })) }).connect();
 * await cluster.stop();
 * ```
 */
export interface RedisCluster {
  readonly nodes: readonly ClusterNode[];
  /** `redis://127.0.0.1:<port>` of every node, for `createCluster({ rootNodes })`. */
  readonly rootNodes: string[];
  /** The hash slot of `key` (`CLUSTER KEYSLOT`). */
  slotOf(key: string): Promise<number>;
  /** The master that serves `key`'s slot, as that master itself sees it. */
  ownerOf(key: string): Promise<ClusterNode>;
  /** Resolve once every running node reports `cluster_state:ok`; reject after `timeout` ms. */
  waitUntilOk(timeout?: number): Promise<void>;
  /** Kill every node and remove their directories. */
  stop(): Promise<void>;
}

/** Options of {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** Number of masters. Default 3 (the fewest `redis-cli --cluster create` accepts). */
  masters?: number;
  /** `cluster-node-timeout` in ms: how long a node may be unreachable before it is failed. Default 10,000. */
  nodeTimeout?: number;
  /** More `redis-server` arguments for every node. */
  extra?: string[];
}

async function cli(port: number, args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args]);
  return stdout.trim();
}

/** A free port no earlier call of this process handed out. */
const handedOut = new Set<number>();
async function unusedPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port !== 0 && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Own slots in a `CLUSTER NODES` line: `0-5460`, `5461`; importing/migrating marks are skipped. */
function ownsSlot(line: string, slot: number): boolean {
  for (const field of line.split(' ').slice(8)) {
    if (field.startsWith('[')) continue;
    const [from, to = from] = field.split('-').map(Number);
    if (from !== undefined && to !== undefined && slot >= from && slot <= to) return true;
  }
  return false;
}

/**
 * Start a Redis Cluster of `masters` nodes on free ports of 127.0.0.1 (each with a cluster bus on
 * a free port of its own, its own `nodes.conf` and data directory, AOF fsynced on every write),
 * join them with `redis-cli --cluster create`, and wait until every node reports
 * `cluster_state:ok`.
 *
 * @example
 * ```ts
 * const cluster = await startRedisCluster();
 * const owner = await cluster.ownerOf('{portcullis:deny}');
 * ```
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const count = options.masters ?? 3;
  const nodeTimeout = options.nodeTimeout ?? 10_000;
  // Real path: each node is recognised by the directory it reports (`CONFIG GET dir`).
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'pcs-redis-cluster-')));
  const nodes: (ClusterNode & { start(): Promise<void> })[] = [];

  function node(index: number): ClusterNode & { start(): Promise<void> } {
    const dir = join(root, `node-${index}`);
    mkdirSync(dir);
    let port = 0;
    let busPort = 0;
    let id = '';
    let child: ChildProcess | undefined;

    // Start on `port` and `busPort`; resolves false when the process exits first (a port taken
    // since it was found free).
    async function launch(): Promise<boolean> {
      const spawned = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--cluster-port',
          String(busPort),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, 'nodes.conf'),
          '--cluster-node-timeout',
          String(nodeTimeout),
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'yes',
          '--appendfsync',
          'always',
          ...(options.extra ?? []),
        ],
        { stdio: 'ignore' },
      );
      child = spawned;
      const deadline = Date.now() + 10_000;
      for (;;) {
        if (spawned.exitCode !== null || spawned.signalCode !== null) return false;
        try {
          // Ours, not another server that took the port meanwhile: it answers with our directory.
          if ((await cli(port, ['CONFIG', 'GET', 'dir'])).split('\n')[1] === dir) return true;
        } catch {
          // not up yet
        }
        if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }

    return {
      get port() {
        return port;
      },
      get busPort() {
        return busPort;
      },
      get url() {
        return `redis://127.0.0.1:${port}`;
      },
      dir,
      get id() {
        return id;
      },
      get running() {
        return child !== undefined && child.exitCode === null && child.signalCode === null;
      },
      async start() {
        for (let attempt = 0; ; attempt++) {
          port = await unusedPort();
          busPort = await unusedPort();
          if (await launch()) break;
          if (attempt >= 5) throw new Error('no free ports for a cluster node');
        }
        id = await cli(port, ['CLUSTER', 'MYID']);
      },
      cli: (...args) => cli(port, args),
      async kill() {
        const running = child;
        child = undefined;
        if (running === undefined || running.exitCode !== null || running.signalCode !== null) {
          return;
        }
        await new Promise<void>((resolve) => {
          running.once('exit', () => resolve());
          running.kill('SIGKILL');
        });
      },
      async restart() {
        if (!(await launch())) throw new Error(`redis-server on port ${port} did not restart`);
      },
    };
  }

  async function kill(): Promise<void> {
    await Promise.all(nodes.map((n) => n.kill()));
  }

  async function waitUntilOk(timeout = 20_000): Promise<void> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const states = await Promise.all(
        nodes
          .filter((n) => n.running)
          .map((n) => n.cli('CLUSTER', 'INFO').catch((err: Error) => err.message)),
      );
      if (states.every((info) => info.includes('cluster_state:ok'))) return;
      if (Date.now() > deadline) {
        throw new Error(`the cluster is not ok after ${timeout} ms:\n${states.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  try {
    for (let i = 0; i < count; i++) nodes.push(node(i));
    await Promise.all(nodes.map((n) => n.start()));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await waitUntilOk();
  } catch (err) {
    await kill();
    rmSync(root, { recursive: true, force: true });
    throw err;
  }

  async function slotOf(key: string): Promise<number> {
    const live = nodes.find((n) => n.running) ?? nodes[0]!;
    return Number(await live.cli('CLUSTER', 'KEYSLOT', key));
  }

  return {
    nodes,
    rootNodes: nodes.map((n) => n.url),
    slotOf,
    async ownerOf(key) {
      const slot = await slotOf(key);
      for (const n of nodes) {
        if (!n.running) continue;
        const mine = (await n.cli('CLUSTER', 'NODES'))
          .split('\n')
          .find((line) => line.split(' ')[2]?.split(',').includes('myself'));
        if (mine !== undefined && ownsSlot(mine, slot)) return n;
      }
      throw new Error(`no running node owns slot ${slot} of ${key}`);
    },
    waitUntilOk,
    async stop() {
      await kill();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
