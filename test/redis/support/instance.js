// One API instance in a process of its own, for the fleet tests and the propagation benchmark:
// a JWT authenticator whose deny-list is redisDenyList() on the Redis (or cluster) it is given.
// It runs the built packages (`dist/`), as a deployment would. The parent drives it over IPC:
//   { id, type: 'verify', token }       → { id, status }            (200, 401 or 503)
//   { id, type: 'revoke', jti, exp }    → { id, at }                (epoch ms once Redis took it)
//   { id, type: 'watch', jti }          → { id, at }                (epoch ms when first refused)
//   { id, type: 'close' }               → { id }, then exit
// Its first message is { type: 'ready' }, or { type: 'failed', message }.
import { createAuthenticator, isAuthError, jwt } from '@portcullis/core';
import { redisDenyList } from '@portcullis/redis';
import { createClient, createCluster } from 'redis';

const config = JSON.parse(process.argv[2] ?? '{}');
const now = () => performance.timeOrigin + performance.now();

async function connect() {
  const client =
    config.rootNodes === undefined
      ? createClient({ url: config.url, socket: { reconnectStrategy: () => 50 } })
      : createCluster({ rootNodes: config.rootNodes.map((url) => ({ url })) });
  client.on('error', () => {});
  return await client.connect();
}

let client;
let denyList;
try {
  client = await connect();
  denyList = await redisDenyList({
    client,
    prefix: config.prefix,
    maxStaleness: config.maxStaleness,
  });
} catch (err) {
  process.send({ type: 'failed', message: String(err?.message ?? err) });
  process.exit(1);
}

const authenticator = createAuthenticator({
  methods: [
    jwt({
      algorithms: ['HS256'],
      secret: config.secret,
      issuer: config.issuer,
      audience: config.audience,
      denyList,
    }),
  ],
});

async function verify(token) {
  try {
    await authenticator.authenticate({
      header: (name) => (name === 'authorization' ? `Bearer ${token}` : undefined),
    });
    return 200;
  } catch (err) {
    return isAuthError(err) ? err.status : 500;
  }
}

// Ask the replica as often as the event loop allows, letting pub/sub messages in between.
async function watch(jti) {
  for (;;) {
    const revoked = await denyList.isRevoked(jti);
    if (revoked) return now();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

process.on('message', async (message) => {
  const { id, type } = message;
  try {
    if (type === 'verify') process.send({ id, status: await verify(message.token) });
    else if (type === 'revoke') {
      await denyList.revoke(message.jti, message.exp);
      process.send({ id, at: now() });
    } else if (type === 'watch') process.send({ id, at: await watch(message.jti) });
    else if (type === 'close') {
      await denyList.close();
      await client.close();
      process.send({ id }, () => process.exit(0));
    }
  } catch (err) {
    process.send({ id, error: String(err?.message ?? err) });
  }
});

process.send({ type: 'ready' });
