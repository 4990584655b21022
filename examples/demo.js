/**
 * `pnpm demo`: start the example API (Express by default) with a fresh in-memory store, print an
 * API key, an OAuth client and curl lines to try, and serve until Ctrl-C.
 * `pnpm demo --check`: run that tour against live servers for Express, Koa, Hono and Fastify (or
 * the one named with --framework), print each request and its status, exit 1 on any mismatch;
 * then, when a Redis answers, the fleet tour on two instances; and the MCP tour (mcp/server.js).
 * `pnpm demo --instances N [--check]`: N instances sharing revocation through Redis (fleet.js).
 */

import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createAuthServer } from './shared/auth-server.js';
import {
  DEFAULT_REDIS_URL,
  redisProblem,
  START_REDIS,
  shownUrl,
  startFleet,
} from './shared/fleet.js';
import { runFleetTour } from './shared/fleet-tour.js';
import { formatTable, runTour } from './shared/tour.js';

const FRAMEWORKS = {
  express: async () => (await import('./express.js')).startExpress,
  koa: async () => (await import('./koa.js')).startKoa,
  hono: async () => (await import('./hono.js')).startHono,
  fastify: async () => (await import('./fastify.js')).startFastify,
  fetch: async () => (await import('./fetch.js')).startFetch,
};

const MAX_INSTANCES = 5;

const USAGE = `usage: pnpm demo [--framework express|koa|hono|fastify|fetch] [--port N] [--check]
       pnpm demo --instances N [--redis URL] [--port N] [--check]

  (no flags)   serve the Express example on 127.0.0.1 and print what to try
  --framework  koa, hono, fastify or fetch (a fetch handler, on @hono/node-server) instead of
               express
  --port       listen on this port (default: a free one; with --instances, the first of N)
  --check      run the whole tour against live servers, print a table, exit 1 on a mismatch
               (every framework unless --framework is given, then the fleet tour on two
               instances when a Redis answers, and the MCP server's tour)
  --instances  run N (2–${MAX_INSTANCES}) instances sharing revocation through Redis
  --redis      the Redis to share (default: $REDIS_URL, else ${DEFAULT_REDIS_URL})`;

/** A fresh server with one API key and one OAuth client, as the tour and the curl lines use. */
async function boot(framework, port, onEvent) {
  const server = createAuthServer({ onEvent });
  const apiKey = server.addApiKey({ subject: 'support-bot', scopes: ['conversations:read'] });
  // An eager agent whose key allows 2 requests a minute, to show the rate limit's 429.
  const limitedKey = server.addApiKey({
    subject: 'eager-agent',
    scopes: ['conversations:read'],
    requestsPerMinute: 2,
  });
  const client = server.addClient({
    name: 'billing-agent',
    scopes: ['billing:read', 'billing:write'],
  });
  const start = await FRAMEWORKS[framework]();
  const http = await start(server, { port });
  return { server, apiKey, limitedKey, client, ...http };
}

/** The single-server tour on each framework; resolves to the number of mismatches. */
async function check(frameworks) {
  let failed = 0;
  for (const framework of frameworks) {
    const { url, close, apiKey, limitedKey, client } = await boot(framework, 0);
    try {
      const rows = await runTour({ baseUrl: url, apiKey, client, limitedKey });
      const bad = rows.filter((r) => !r.ok).length;
      failed += bad;
      console.log(`\n${framework} — ${url}\n${formatTable(rows)}`);
      console.log(
        bad === 0
          ? `${framework}: all ${rows.length} answers as expected`
          : `${framework}: ${bad} of ${rows.length} answers differ`,
      );
    } catch (err) {
      failed += 1;
      console.log(
        `\n${framework}: the tour could not run: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      await close();
    }
  }
  return failed;
}

/** Report a Redis client's errors, once each until the message changes. */
function redisErrors() {
  const last = new Map();
  return (n, err) => {
    const message = err instanceof Error ? err.message || err.constructor.name : String(err);
    if (last.get(n) === message) return;
    last.set(n, message);
    console.error(`redis (instance ${n}): ${message}`);
  };
}

/** The fleet tour on `count` instances; resolves to the number of mismatches. */
async function checkFleet(framework, count, redisUrl) {
  const start = await FRAMEWORKS[framework]();
  let fleet;
  try {
    fleet = await startFleet({ count, redisUrl, start, onRedisError: redisErrors() });
    const apiKey = fleet.addApiKey({ subject: 'support-bot', scopes: ['conversations:read'] });
    const client = fleet.addClient({ name: 'billing-agent', scopes: ['billing:read'] });
    const rows = await runFleetTour({ instances: fleet.instances, apiKey, client });
    const bad = rows.filter((r) => !r.ok).length;
    const urls = fleet.instances.map((i) => `  #${i.n} ${i.url}`).join('\n');
    console.log(
      `\nfleet — ${count} ${framework} instances sharing revocation through Redis at ${shownUrl(redisUrl)}\n${urls}\n${formatTable(rows)}`,
    );
    console.log(
      bad === 0
        ? `fleet: all ${rows.length} answers as expected`
        : `fleet: ${bad} of ${rows.length} answers differ`,
    );
    return bad;
  } catch (err) {
    console.log(
      `\nfleet: the tour could not run: ${err instanceof Error ? err.message : String(err)}`,
    );
    return 1;
  } finally {
    await fleet?.close();
  }
}

/** The MCP tour: the SDK's client against the MCP example; resolves to the number of mismatches. */
async function checkMcp() {
  const { startMcp } = await import('./mcp/server.js');
  const { runMcpTour } = await import('./mcp/tour.js');
  const mcp = await startMcp();
  try {
    const client = mcp.server.addClient({
      name: 'billing-agent',
      scopes: ['billing:read', 'billing:write'],
    });
    const rows = await runMcpTour({ url: mcp.url, resource: mcp.resource, client });
    const bad = rows.filter((r) => !r.ok).length;
    console.log(`
mcp — ${mcp.resource} (MCP SDK client and server)
${formatTable(rows)}`);
    console.log(
      bad === 0
        ? `mcp: all ${rows.length} answers as expected`
        : `mcp: ${bad} of ${rows.length} answers differ`,
    );
    return bad;
  } catch (err) {
    console.log(`
mcp: the tour could not run: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await mcp.close();
  }
}

function verdict(failed) {
  console.log(failed === 0 ? '\ndemo check passed' : `\ndemo check FAILED (${failed} mismatches)`);
  return failed === 0 ? 0 : 1;
}

/** One audit line per authentication attempt: what `onEvent` receives, never a secret. */
function audit(event, instance) {
  const who = event.subject ?? event.keyId ?? '-';
  const why = event.reason ? ` (${event.reason})` : '';
  const where = instance === undefined ? '' : ` #${instance}`;
  console.log(
    `audit${where}: ${event.outcome} ${event.method ?? '-'} ${who} ${event.status} ${event.code}${why}`,
  );
}

/** The curl line that gets a token by client credentials, as a shell assignment's value. */
function tokenCommand(url, { clientId, clientSecret }) {
  return `"$(curl -s -u '${clientId}:${clientSecret}' -d grant_type=client_credentials -d scope=billing:read ${url}/oauth/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')"`;
}

async function serve(framework, port) {
  const { url, close, apiKey, limitedKey, client } = await boot(framework, port, audit);
  const { clientId, clientSecret } = client;
  const token = tokenCommand(url, client);
  console.log(`Portcullis demo: the ${framework} example is listening on ${url}

API key (support-bot, scope conversations:read):
  ${apiKey}
OAuth client (billing-agent, scopes billing:read billing:write):
  client id:     ${clientId}
  client secret: ${clientSecret}
These exist only in this process's memory; they are new every run.

Try, in another terminal:
  # 401: no credential
  curl -i ${url}/conversations
  # 200: API key with conversations:read
  curl -i -H 'x-api-key: ${apiKey}' ${url}/conversations
  # 403: the key lacks billing:read
  curl -i -H 'x-api-key: ${apiKey}' ${url}/billing/invoices
  # 200, 200, then 429 with Retry-After: eager-agent's key allows 2 requests a minute
  for i in 1 2 3; do curl -si -H 'x-api-key: ${limitedKey}' ${url}/conversations | grep -iE '^(HTTP|ratelimit|retry-after)'; done
  # a 5-minute token by client credentials, narrowed to billing:read
  TOKEN=${token}
  # 200 with the token; 403 for a write it was not granted
  curl -i -H "Authorization: Bearer $TOKEN" ${url}/billing/invoices
  curl -i -X POST -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"customer":"acme","amount_cents":4200}' ${url}/billing/invoices
  # revoke it (RFC 7009), then the same call answers 401
  curl -i -u '${clientId}:${clientSecret}' -d "token=$TOKEN" ${url}/oauth/revoke
  curl -i -H "Authorization: Bearer $TOKEN" ${url}/billing/invoices
  # an agent that caches and refreshes its token
  node examples/agent.js ${url} '${clientId}' '${clientSecret}'
  # an MCP server behind Portcullis, with its own token endpoint and client
  node examples/mcp/server.js

Run the whole tour automatically with: pnpm demo --check
Each authentication attempt prints an audit line below. Press Ctrl-C to stop.
`);
  process.once('SIGINT', () => {
    console.log('\nstopping');
    close().then(() => process.exit(0));
  });
}

async function serveFleet(framework, count, port, redisUrl) {
  const start = await FRAMEWORKS[framework]();
  const fleet = await startFleet({
    count,
    redisUrl,
    start,
    port,
    onEvent: (n, event) => audit(event, n),
    onRedisError: redisErrors(),
  });
  const apiKey = fleet.addApiKey({ subject: 'support-bot', scopes: ['conversations:read'] });
  const client = fleet.addClient({
    name: 'billing-agent',
    scopes: ['billing:read', 'billing:write'],
  });
  const { clientId, clientSecret } = client;
  const [one, two] = fleet.instances;
  const each = (line) => fleet.instances.map((i) => `  ${line(i.url)}`).join('\n');
  console.log(`Portcullis demo: ${count} instances of the ${framework} example, sharing revocation through Redis
${fleet.instances.map((i) => `  instance ${i.n}: ${i.url}`).join('\n')}
Each has its own Redis client, deny-list replica and API key cache. They share what a fleet shares:
the key store and OAuth clients (the database) and the token signer (one JWKS). Redis at
${shownUrl(redisUrl)}, every name under ${fleet.prefix} (deleted at exit).

API key (support-bot, scope conversations:read):
  ${apiKey}
OAuth client (billing-agent, scopes billing:read billing:write):
  client id:     ${clientId}
  client secret: ${clientSecret}

Try, in another terminal:
  # a 5-minute token from instance 1
  TOKEN=${tokenCommand(one.url, client)}
  # 200 on instance 2 as well: every instance trusts the same signer
  curl -i -H "Authorization: Bearer $TOKEN" ${two.url}/billing/invoices
  # revoke it at instance 1 (RFC 7009)
  curl -i -u '${clientId}:${clientSecret}' -d "token=$TOKEN" ${one.url}/oauth/revoke
  # 401 on instance 2, and on every instance: each replica heard the revocation
  curl -i -H "Authorization: Bearer $TOKEN" ${two.url}/billing/invoices
  # the API key: 200 on every instance, which then caches its record for 30 s
${each((url) => `curl -i -H 'x-api-key: ${apiKey}' ${url}/conversations`)}

Type "revoke" and Enter here to revoke the API key at instance 2, as an admin would: its record goes
and every instance drops it from its cache, so the curl lines above answer 401 at once.
Run the fleet tour automatically with: pnpm demo --instances ${count} --check
Each authentication attempt prints an audit line below, with its instance. Press Ctrl-C to stop.
`);
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    if (line.trim() !== 'revoke') return;
    two.server.revokeApiKey(apiKey).then(
      (existed) =>
        console.log(
          existed
            ? 'API key revoked at instance 2: every instance now answers 401 for it'
            : 'that API key is already revoked',
        ),
      (err) => console.error(`could not announce the revocation: ${err.message}`),
    );
  });
  const stop = () => {
    console.log('\nstopping');
    input.close();
    fleet.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        framework: { type: 'string' },
        port: { type: 'string' },
        check: { type: 'boolean', default: false },
        instances: { type: 'string' },
        redis: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    console.error(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.framework !== undefined && !(values.framework in FRAMEWORKS)) {
    console.error(`unknown framework ${JSON.stringify(values.framework)}\n\n${USAGE}`);
    return 2;
  }
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be 0–65535\n\n${USAGE}`);
    return 2;
  }
  const framework = values.framework ?? 'express';
  const redisUrl = values.redis ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  if (values.instances !== undefined) {
    const count = Number(values.instances);
    if (!Number.isInteger(count) || count < 2 || count > MAX_INSTANCES) {
      console.error(`--instances must be 2–${MAX_INSTANCES}\n\n${USAGE}`);
      return 2;
    }
    const problem = await redisProblem(redisUrl);
    if (problem !== undefined) {
      console.error(
        `No Redis answers at ${shownUrl(redisUrl)} (${problem}); start one with \`${START_REDIS}\` or pass --redis <url>`,
      );
      return 1;
    }
    if (values.check) return verdict(await checkFleet(framework, count, redisUrl));
    await serveFleet(framework, count, port, redisUrl);
    return undefined;
  }
  if (values.check) {
    let failed = await check(values.framework ? [values.framework] : Object.keys(FRAMEWORKS));
    if (values.framework === undefined) {
      const problem = await redisProblem(redisUrl);
      if (problem === undefined) failed += await checkFleet(framework, 2, redisUrl);
      else
        console.log(
          `\nfleet tour skipped: no Redis at ${shownUrl(redisUrl)} (${problem}); start one with \`${START_REDIS}\``,
        );
      failed += await checkMcp();
    }
    return verdict(failed);
  }
  await serve(framework, port);
  return undefined;
}

const code = await main();
if (code !== undefined) process.exit(code);
