// The small part of a node-redis client (`createClient()`) or cluster (`createCluster()`) this
// package uses, and one way to send commands and scripts to either.
import { createHash } from 'node:crypto';

/**
 * A connected node-redis client, as `createClient()` (v5 or v6) makes it. Only what this package
 * calls is named, so any client with these members fits.
 *
 * @example
 * ```ts
 * const client: RedisClientLike = await createClient({ url }).on('error', report).connect();
 * ```
 */
export interface RedisClientLike {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: node-redis's argument and option types are generic
  sendCommand(args: any, options?: any): Promise<unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: returns the same generic client type
  duplicate(...args: any[]): any;
}

/**
 * A connected node-redis cluster, as `createCluster()` (v5 or v6) makes it.
 *
 * @example
 * ```ts
 * const client: RedisClusterLike = await createCluster({ rootNodes }).on('error', report).connect();
 * ```
 */
export interface RedisClusterLike {
  readonly isOpen: boolean;
  readonly masters: readonly unknown[];
  // biome-ignore lint/suspicious/noExplicitAny: node-redis's argument and option types are generic
  sendCommand(firstKey: any, isReadonly: any, args: any, options?: any): Promise<unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: returns the same generic cluster type
  duplicate(...args: any[]): any;
}

/**
 * What every factory of this package takes as `client`: a connected node-redis client or cluster.
 *
 * @example
 * ```ts
 * const denyList = await redisDenyList({ client });
 * ```
 */
export type RedisConnection = RedisClientLike | RedisClusterLike;

/**
 * A Lua script sent by SHA-1 (`EVALSHA`), and in full (`EVAL`) when the server does not know it
 * yet (`NOSCRIPT`: after a restart, a failover, or on a new cluster node).
 *
 * @example
 * ```ts
 * const PING = new Script("return redis.call('PING')");
 * ```
 */
export class Script {
  readonly source: string;
  readonly sha: string;
  constructor(source: string) {
    this.source = source;
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

/** A pub/sub message handler: the message and the channel it came on. */
export type Listener = (message: string, channel: string) => void;

/**
 * A connection of its own for pub/sub, closed with {@link Subscriber.close}.
 *
 * @example
 * ```ts
 * const sub = await commander.subscriber(() => feed.lost());
 * await sub.subscribe(['{app}:c'], (message) => feed.message(message));
 * ```
 */
export interface Subscriber {
  subscribe(channels: string[], listener: Listener): Promise<void>;
  close(): Promise<void>;
}

/**
 * Commands to a node-redis client or cluster, each bounded by a timeout.
 *
 * @example
 * ```ts
 * const redis = commander(client, 1000);
 * await redis.call(key, ['EXISTS', key]);
 * ```
 */
export interface Commander {
  /** Whether the connection is a cluster (sharded pub/sub, slot routing). */
  readonly cluster: boolean;
  /** The publish command scripts use: `SPUBLISH` on a cluster, `PUBLISH` otherwise. */
  readonly publish: 'PUBLISH' | 'SPUBLISH';
  /** Send `args`, routed by `key` on a cluster, always to a primary. */
  call(key: string, args: string[]): Promise<unknown>;
  /** Run `script` with `keys` (all in one slot) and `args`. */
  run(script: Script, keys: string[], args: string[]): Promise<unknown>;
  /**
   * A new connection for pub/sub; `onTrouble` hears every sign it may have missed messages.
   * Aborting `signal` before it has connected destroys it (no reconnecting left behind).
   */
  subscriber(onTrouble: () => void, signal?: AbortSignal): Promise<Subscriber>;
}

function isCluster(client: RedisConnection): client is RedisClusterLike {
  return Array.isArray((client as RedisClusterLike).masters);
}

/**
 * Check `client` the way every factory does, naming the factory in the error.
 *
 * @example
 * ```ts
 * checkClient('redisDenyList()', options.client);
 * ```
 */
export function checkClient(factory: string, client: unknown): asserts client is RedisConnection {
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof (client as RedisConnection).sendCommand !== 'function' ||
    typeof (client as RedisConnection).duplicate !== 'function'
  ) {
    throw new TypeError(
      `${factory}: \`client\` must be a node-redis client or cluster (createClient() or createCluster() from 'redis')`,
    );
  }
  if ((client as RedisConnection).isOpen === false) {
    throw new TypeError(`${factory}: \`client\` is not connected; await client.connect() first`);
  }
}

function startsWith(err: unknown, word: string): boolean {
  return err instanceof Error && err.message.startsWith(word);
}

function isNoScript(err: unknown): boolean {
  return startsWith(err, 'NOSCRIPT');
}

/**
 * A command on a cluster, tried again on `TRYAGAIN` until `timeout` has passed: while a slot
 * migrates, a script whose keys are split between the two nodes gets it until the move completes.
 */
async function clusterCall(
  client: RedisClusterLike,
  key: string,
  args: string[],
  timeout: number,
): Promise<unknown> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await client.sendCommand(key, false, args, { timeout });
    } catch (err) {
      if (!startsWith(err, 'TRYAGAIN') || Date.now() + 20 >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

// Sign of a subscriber connection in trouble: it may have dropped messages.
const STANDALONE_TROUBLE = ['error', 'end', 'reconnecting'];
const CLUSTER_TROUBLE = [
  'error',
  'disconnect',
  'node-error',
  'node-disconnect',
  'node-reconnecting',
  'sharded-channel-moved-error',
];

/**
 * Reject when `promise` has not settled within `ms` ms. node-redis's own `timeout` only covers a
 * command still waiting to be written: once on the socket (Redis paused by `CLIENT PAUSE`, busy
 * in `DEBUG SLEEP` or a long script), it waits for the reply however long that takes.
 */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * One way to talk to a node-redis client or cluster; every command gives up after `timeout` ms.
 *
 * @example
 * ```ts
 * const redis = commander(options.client, 1000);
 * ```
 */
export function commander(client: RedisConnection, timeout: number): Commander {
  const options = { timeout };
  const cluster = isCluster(client);
  const call = cluster
    ? (key: string, args: string[]) => within(clusterCall(client, key, args, timeout), timeout)
    : (_key: string, args: string[]) =>
        within((client as RedisClientLike).sendCommand(args, options), timeout);

  return {
    cluster,
    publish: cluster ? 'SPUBLISH' : 'PUBLISH',
    call,
    async run(script, keys, args) {
      const count = String(keys.length);
      try {
        return await call(keys[0]!, ['EVALSHA', script.sha, count, ...keys, ...args]);
      } catch (err) {
        if (!isNoScript(err)) throw err;
        return await call(keys[0]!, ['EVAL', script.source, count, ...keys, ...args]);
      }
    },
    async subscriber(onTrouble, signal) {
      const connection = client.duplicate();
      for (const event of cluster ? CLUSTER_TROUBLE : STANDALONE_TROUBLE) {
        connection.on(event, onTrouble);
      }
      // Given up while it still tries to connect (Redis down): stop it, or it reconnects forever.
      const abandon = () => {
        for (const event of cluster ? CLUSTER_TROUBLE : STANDALONE_TROUBLE) {
          connection.off(event, onTrouble);
        }
        connection.on('error', () => {});
        connection.destroy();
      };
      signal?.addEventListener('abort', abandon, { once: true });
      try {
        await connection.connect();
      } finally {
        signal?.removeEventListener('abort', abandon);
      }
      return {
        subscribe: (channels, listener) =>
          cluster
            ? connection.sSubscribe(channels, listener)
            : connection.subscribe(channels, listener),
        async close() {
          for (const event of cluster ? CLUSTER_TROUBLE : STANDALONE_TROUBLE) {
            connection.off(event, onTrouble);
          }
          // Keep a listener: a late socket error must not become an uncaught exception.
          connection.on('error', () => {});
          await connection.close();
        },
      };
    },
  };
}
