import { randomBytes } from 'node:crypto';
import { redisDenyList, redisInvalidation } from '@portcullis/redis';
import { createClient } from 'redis';
import { createAuthServer, createStore } from './auth-server.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const START_REDIS =
  'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no';

/**
 * A Redis URL as it may be printed: its password masked.
 *
 * @example
 * shownUrl('redis://app:s3cret@cache:6379'); // 'redis://app:***@cache:6379'
 */
export function shownUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return url;
  }
}

/**
 * Whether a Redis answers at `url`: `undefined` when it does, else why not (one line). Tries once,
 * for at most `timeout` ms, and leaves nothing open.
 *
 * @example
 * const problem = await redisProblem('redis://127.0.0.1:6379');
 * if (problem) console.error(problem);
 */
export async function redisProblem(url, timeout = 2000) {
  let client;
  try {
    // The socket's own timeout comes later, so the deadline below gives the clearer message.
    client = createClient({
      url,
      socket: { connectTimeout: timeout + 1000, reconnectStrategy: false },
    });
  } catch (err) {
    return `not a Redis URL: ${err instanceof Error ? err.message : String(err)}`;
  }
  client.on('error', () => {});
  try {
    const ping = client.connect().then(() => client.ping());
    ping.catch(() => {});
    await beforeDeadline(ping, timeout, `no answer within ${timeout} ms`);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message || err.constructor.name : String(err);
  } finally {
    client.destroy();
  }
}

/**
 * A fleet of `count` instances of the example API, as a real deployment runs them: one shared
 * "database" (API keys, OAuth clients) and one token signer, and for each instance its own Redis
 * client, its own `redisDenyList()` (a local replica of the revoked set) and `redisInvalidation()`
 * channel, its own authenticator (its own API key cache) and its own HTTP server on 127.0.0.1.
 * Every Redis name is under a prefix of this run's own; `close()` deletes them.
 *
 * @example
 * const fleet = await startFleet({ count: 2, redisUrl, start: startExpress });
 * const key = fleet.addApiKey({ subject: 'support-bot', scopes: ['conversations:read'] });
 * await fleet.instances[1].server.revokeApiKey(key); // refused by every instance
 * await fleet.close();
 */
export async function startFleet({ count, redisUrl, start, port = 0, onEvent, onRedisError }) {
  const store = createStore();
  const prefix = `portcullis-demo:${process.pid}-${randomBytes(4).toString('hex')}:`;
  const instances = [];
  const closing = [];
  async function close() {
    // Last opened, first closed; then delete this run's keys.
    for (const step of closing.reverse()) await step().catch(() => {});
    closing.length = 0;
    await deleteKeys(redisUrl, prefix).catch(() => {});
  }
  try {
    for (let n = 1; n <= count; n++) {
      const client = createClient({ url: redisUrl });
      client.on('error', (err) => onRedisError?.(n, err));
      // Closed when connected; else stopped, or it would try to reconnect forever.
      closing.push(async () => (client.isOpen ? client.close() : client.destroy()));
      await beforeDeadline(client.connect(), 5000, `Redis at ${shownUrl(redisUrl)} did not answer`);
      const denyList = await redisDenyList({ client, prefix });
      closing.push(() => denyList.close());
      const invalidation = await redisInvalidation({ client, channel: `${prefix}keys` });
      closing.push(() => invalidation.close());
      const server = createAuthServer({
        store,
        denyList,
        invalidation,
        onEvent: onEvent && ((event) => onEvent(n, event)),
      });
      const http = await start(server, { port: port === 0 ? 0 : port + n - 1 });
      closing.push(() => http.close());
      instances.push({ n, url: http.url, server, denyList, invalidation });
    }
  } catch (err) {
    await close();
    throw err;
  }
  const first = instances[0].server;
  return {
    instances,
    /** The shared "database" and signer (`createStore()`). */
    store,
    prefix,
    /** Make an API key in the shared store (every instance finds it). */
    addApiKey: (input) => first.addApiKey(input),
    /** Register an OAuth client in the shared registry. */
    addClient: (input) => first.addClient(input),
    close,
  };
}

/** `promise`, or a rejection with `message` when it has not settled within `ms` ms. */
async function beforeDeadline(promise, ms, message) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Delete every key under `prefix` (the deny-list's and the invalidation counter). */
async function deleteKeys(url, prefix) {
  const client = await createClient({ url, socket: { reconnectStrategy: false } })
    .on('error', () => {})
    .connect();
  try {
    // The packages put the prefix inside a cluster hash tag: `{<prefix>deny}:…`, `{<prefix>keys}:n`.
    const doomed = [];
    for await (const keys of client.scanIterator({ MATCH: `{${prefix}*`, COUNT: 1000 })) {
      doomed.push(...keys);
    }
    if (doomed.length > 0) await client.del(doomed);
  } finally {
    client.destroy();
  }
}
