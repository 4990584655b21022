// One API instance in a process of its own, for the propagation rows of the redis section: a
// redisDenyList() on the Redis it is given, from the built packages. Started by run-redis.js with
// its config as argv[2] (`{ url, prefix, maxStaleness }`), driven over IPC:
//   { id, type: 'revoke', jtis, exp }  revoke each jti in turn, one after another
//                                      → { id, started, resolved }  epoch ms per jti
//   { id, type: 'watch', jtis }        watch for these jtis (in the order they will be revoked)
//                                      → { id }                     at once
//   { id, type: 'collect', timeout }   → { id, at, byHook, stale }  epoch ms at which each jti was
//                                      first refused (null if not within `timeout` ms)
//   { id, type: 'close' }              → { id }, then exit
// Its first message is { type: 'ready' }, or { type: 'failed', message }.
//
// How "first refused" is observed without spinning a CPU (two spinning watchers would steal the
// cores the writer and Redis need): the replica takes a revocation in the subscriber's message
// listener, so right after every message this connection delivers, isRevoked() is asked about the
// awaited jtis (a hook on the client's duplicate().subscribe(), the connection redisDenyList()
// subscribes with). A 1 ms timer asks too, in case the hook never sees the feed's messages; the
// reply counts how many were seen by the hook.
import { redisDenyList } from '@portcullis/redis';
import { createClient } from 'redis';

const config = JSON.parse(process.argv[2] ?? '{}');
const now = () => performance.timeOrigin + performance.now();

let watched = []; // jtis in revocation order
let at = []; // epoch ms each was first refused
let byHook = 0;
let stale = 0; // asks answered while the replica was stale (a Redis read, not the replica)
let next = 0; // the first jti not refused yet: revocations from one writer arrive in order
let timer;
let done;

function check(hook) {
  while (next < watched.length) {
    const answer = denyList.isRevoked(watched[next]);
    if (answer !== true) {
      if (answer !== false) {
        stale++;
        answer.then(undefined, () => {});
      }
      break;
    }
    at[next++] = now();
    if (hook) byHook++;
  }
  if (next === watched.length && done !== undefined) finish();
}

function finish() {
  clearInterval(timer);
  timer = undefined;
  const resolve = done;
  done = undefined;
  resolve?.();
}

/** The client, with every subscriber it duplicates calling check() after each message. */
function hooked(client) {
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (...args) => {
    const connection = duplicate(...args);
    const subscribe = connection.subscribe.bind(connection);
    connection.subscribe = (channels, listener, ...rest) =>
      subscribe(
        channels,
        (...message) => {
          listener(...message);
          if (next < watched.length) check(true);
        },
        ...rest,
      );
    return connection;
  };
  return client;
}

let client;
let denyList;
try {
  client = createClient({ url: config.url, socket: { reconnectStrategy: () => 50 } });
  client.on('error', () => {});
  await client.connect();
  denyList = await redisDenyList({
    client: hooked(client),
    prefix: config.prefix,
    maxStaleness: config.maxStaleness,
  });
} catch (err) {
  process.send({ type: 'failed', message: String(err?.message ?? err) });
  process.exit(1);
}

async function revokeAll(jtis, exp) {
  const started = [];
  const resolved = [];
  for (const jti of jtis) {
    started.push(now());
    await denyList.revoke(jti, exp);
    resolved.push(now());
  }
  return { started, resolved };
}

function collect(timeout) {
  return new Promise((resolve) => {
    const reply = () => {
      clearTimeout(deadline);
      const out = { at: watched.map((_, i) => at[i] ?? null), byHook, stale };
      watched = [];
      at = [];
      next = 0;
      resolve(out);
    };
    const deadline = setTimeout(() => {
      done = undefined;
      clearInterval(timer);
      reply();
    }, timeout);
    done = reply;
    check(false);
  });
}

process.on('message', async (message) => {
  const { id, type } = message;
  try {
    if (type === 'revoke') {
      process.send({ id, ...(await revokeAll(message.jtis, message.exp)) });
    } else if (type === 'watch') {
      watched = message.jtis;
      at = [];
      next = 0;
      byHook = 0;
      stale = 0;
      timer = setInterval(() => check(false), 1);
      process.send({ id });
    } else if (type === 'collect') {
      process.send({ id, ...(await collect(message.timeout)) });
    } else if (type === 'close') {
      clearInterval(timer);
      await denyList.close();
      await client.close();
      process.send({ id }, () => process.exit(0));
    }
  } catch (err) {
    process.send({ id, error: String(err?.message ?? err) });
  }
});

process.send({ type: 'ready' });
