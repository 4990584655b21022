/**
 * `pnpm demo`: start the example API (Express by default) with a fresh in-memory store, print an
 * API key, an OAuth client and curl lines to try, and serve until Ctrl-C.
 * `pnpm demo --check`: run that tour against live servers for Express, Koa and Hono (or the one
 * named with --framework), print each request and its status, exit 1 on any mismatch.
 */
import { parseArgs } from 'node:util';
import { createAuthServer } from './shared/auth-server.js';
import { formatTable, runTour } from './shared/tour.js';

const FRAMEWORKS = {
  express: async () => (await import('./express.js')).startExpress,
  koa: async () => (await import('./koa.js')).startKoa,
  hono: async () => (await import('./hono.js')).startHono,
};

const USAGE = `usage: pnpm demo [--framework express|koa|hono] [--port N] [--check]

  (no flags)   serve the Express example on 127.0.0.1 and print what to try
  --framework  koa or hono instead of express
  --port       listen on this port (default: a free one)
  --check      run the whole tour against live servers, print a table, exit 1 on a mismatch
               (all three frameworks unless --framework is given)`;

/** A fresh server with one API key and one OAuth client, as the tour and the curl lines use. */
async function boot(framework, port, onEvent) {
  const server = createAuthServer({ onEvent });
  const apiKey = server.addApiKey({ subject: 'support-bot', scopes: ['conversations:read'] });
  const client = server.addClient({
    name: 'billing-agent',
    scopes: ['billing:read', 'billing:write'],
  });
  const start = await FRAMEWORKS[framework]();
  const http = await start(server, { port });
  return { server, apiKey, client, ...http };
}

async function check(frameworks) {
  let failed = 0;
  for (const framework of frameworks) {
    const { url, close, apiKey, client } = await boot(framework, 0);
    try {
      const rows = await runTour({ baseUrl: url, apiKey, client });
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
  console.log(failed === 0 ? '\ndemo check passed' : `\ndemo check FAILED (${failed} mismatches)`);
  return failed === 0 ? 0 : 1;
}

/** One audit line per authentication attempt: what `onEvent` receives, never a secret. */
function audit(event) {
  const who = event.subject ?? event.keyId ?? '-';
  const why = event.reason ? ` (${event.reason})` : '';
  console.log(
    `audit: ${event.outcome} ${event.method ?? '-'} ${who} ${event.status} ${event.code}${why}`,
  );
}

async function serve(framework, port) {
  const { url, close, apiKey, client } = await boot(framework, port, audit);
  const { clientId, clientSecret } = client;
  const token = `"$(curl -s -u '${clientId}:${clientSecret}' -d grant_type=client_credentials -d scope=billing:read ${url}/oauth/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')"`;
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

Run the whole tour automatically with: pnpm demo --check
Each authentication attempt prints an audit line below. Press Ctrl-C to stop.
`);
  process.once('SIGINT', () => {
    console.log('\nstopping');
    close().then(() => process.exit(0));
  });
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        framework: { type: 'string' },
        port: { type: 'string' },
        check: { type: 'boolean', default: false },
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
  if (values.check) return check(values.framework ? [values.framework] : Object.keys(FRAMEWORKS));
  await serve(values.framework ?? 'express', port);
  return undefined;
}

const code = await main();
if (code !== undefined) process.exit(code);
