import { createAgent } from '../agent.js';

/**
 * The demo's tour: every request `pnpm demo` shows as a curl line, made with fetch against a live
 * server, each with the answer it must get. Returns one row a step; `ok` is false on any mismatch.
 *
 * @example
 * const rows = await runTour({ baseUrl, apiKey, client, limitedKey });
 * if (rows.some((r) => !r.ok)) process.exitCode = 1;
 */
export async function runTour({ baseUrl, apiKey, client, limitedKey }) {
  const rows = [];
  const basic = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  async function step(name, method, path, expected, { headers = {}, body, check } = {}) {
    const res = await fetch(new URL(path, baseUrl), { method, headers, body });
    const json = await res.json().catch(() => undefined);
    const problem = res.status === expected ? check?.(res, json) : undefined;
    rows.push({
      name,
      request: `${method} ${path}`,
      expected: String(expected),
      got: problem ? `${res.status}: ${problem}` : String(res.status),
      ok: res.status === expected && !problem,
    });
    return json;
  }
  const challenge = (expected) => (res) => {
    const got = res.headers.get('www-authenticate') ?? '';
    return expected.every((part) => got.includes(part)) ? undefined : `challenge ${got}`;
  };
  const oauthError = (error) => (res, json) =>
    json?.error !== error
      ? `error ${json?.error}`
      : res.headers.get('cache-control') !== 'no-store'
        ? 'no Cache-Control: no-store'
        : undefined;
  const tokenResponse = (res, json) =>
    json?.token_type !== 'Bearer' ||
    json?.expires_in !== 300 ||
    typeof json?.access_token !== 'string'
      ? 'not a Bearer token response'
      : res.headers.get('cache-control') !== 'no-store'
        ? 'no Cache-Control: no-store'
        : undefined;
  const bearer = (token) => ({ authorization: `Bearer ${token}` });
  const tokenRequest = (fields, headers = { authorization: basic }) => ({
    headers: { ...form, ...headers },
    body: new URLSearchParams(fields).toString(),
  });

  await step('no credential', 'GET', '/conversations', 401, {
    check: (res) =>
      res.headers.get('www-authenticate') === 'Bearer realm="agent-api"' ? undefined : 'challenge',
  });
  await step('API key (x-api-key)', 'GET', '/conversations', 200, {
    headers: { 'x-api-key': apiKey },
  });
  await step('API key as Bearer', 'GET', '/conversations', 200, { headers: bearer(apiKey) });
  await step('API key, scope missing', 'GET', '/billing/invoices', 403, {
    headers: { 'x-api-key': apiKey },
    check: challenge(['error="insufficient_scope"', 'scope="billing:read"']),
  });
  if (limitedKey !== undefined) {
    // An agent whose key allows 2 requests a minute: the third is refused until it may retry.
    const limited = { headers: { 'x-api-key': limitedKey } };
    const rateHeaders = (remaining) => (res) =>
      res.headers.get('ratelimit-policy') !== '"default";q=2;w=60'
        ? `RateLimit-Policy ${res.headers.get('ratelimit-policy')}`
        : !res.headers.get('ratelimit')?.startsWith(`"default";r=${remaining};`)
          ? `RateLimit ${res.headers.get('ratelimit')}`
          : undefined;
    await step('rate limit, 1st of 2', 'GET', '/conversations', 200, {
      ...limited,
      check: rateHeaders(1),
    });
    await step('rate limit, 2nd of 2', 'GET', '/conversations', 200, {
      ...limited,
      check: rateHeaders(0),
    });
    await step('rate limit, 3rd: refused', 'GET', '/conversations', 429, {
      ...limited,
      check: (res, json) =>
        json?.error !== 'rate_limited'
          ? `error ${json?.error}`
          : !(Number(res.headers.get('retry-after')) > 0)
            ? 'no Retry-After'
            : rateHeaders(0)(res),
    });
  }
  const mistyped = apiKey.slice(0, -1) + (apiKey.endsWith('A') ? 'B' : 'A');
  await step('mistyped API key', 'GET', '/conversations', 401, {
    headers: { 'x-api-key': mistyped },
    check: challenge(['error="invalid_token"']),
  });
  await step('wrong client secret', 'POST', '/oauth/token', 401, {
    ...tokenRequest(
      { grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'nope' },
      {},
    ),
    check: oauthError('invalid_client'),
  });
  await step('scope beyond the client', 'POST', '/oauth/token', 400, {
    ...tokenRequest({ grant_type: 'client_credentials', scope: 'conversations:read' }),
    check: oauthError('invalid_scope'),
  });
  await step('unsupported grant', 'POST', '/oauth/token', 400, {
    ...tokenRequest({ grant_type: 'password', username: 'a', password: 'b' }),
    check: oauthError('unsupported_grant_type'),
  });
  const narrow = await step('token, scope billing:read', 'POST', '/oauth/token', 200, {
    ...tokenRequest({ grant_type: 'client_credentials', scope: 'billing:read' }),
    check: tokenResponse,
  });
  const readToken = narrow?.access_token ?? 'missing';
  await step('JWT billing:read', 'GET', '/billing/invoices', 200, { headers: bearer(readToken) });
  await step('JWT, billing:write missing', 'POST', '/billing/invoices', 403, {
    headers: bearer(readToken),
    check: challenge(['error="insufficient_scope"', 'scope="billing:write"']),
  });
  await step('two credentials at once', 'GET', '/billing/invoices', 400, {
    headers: { ...bearer(readToken), 'x-api-key': apiKey },
    check: challenge(['error="invalid_request"']),
  });
  const full = await step('token, client form fields', 'POST', '/oauth/token', 200, {
    ...tokenRequest(
      {
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
      },
      {},
    ),
    check: tokenResponse,
  });
  const writeToken = full?.access_token ?? 'missing';
  await step('JWT billing:write', 'POST', '/billing/invoices', 201, {
    headers: { ...bearer(writeToken), 'content-type': 'application/json' },
    body: JSON.stringify({ customer: 'acme', amount_cents: 4200 }),
  });
  const [h, p, s] = writeToken.split('.');
  const flipped = `${h}.${p}.${s?.[0] === 'A' ? 'B' : 'A'}${s?.slice(1)}`;
  await step('tampered JWT', 'GET', '/billing/invoices', 401, {
    headers: bearer(flipped),
    check: challenge(['error="invalid_token"']),
  });
  await step('revoke without client auth', 'POST', '/oauth/revoke', 401, {
    ...tokenRequest({ token: writeToken }, {}),
    check: oauthError('invalid_client'),
  });
  await step('revoke the JWT', 'POST', '/oauth/revoke', 200, tokenRequest({ token: writeToken }));
  await step('revoked JWT', 'GET', '/billing/invoices', 401, {
    headers: bearer(writeToken),
    check: challenge(['error="invalid_token"']),
  });

  await agentSteps({ baseUrl, client, rows, basic, form });
  return rows;
}

async function agentSteps({ baseUrl, client, rows, basic, form }) {
  const agent = createAgent({ baseUrl, ...client, scope: 'billing:read' });
  const calls = await Promise.all(
    Array.from({ length: 20 }, () => agent.fetch('/billing/invoices')),
  );
  const okCalls = calls.filter((r) => r.status === 200).length;
  await Promise.all(calls.map((r) => r.body?.cancel()));
  rows.push({
    name: 'agent: 20 concurrent calls',
    request: 'GET /billing/invoices ×20',
    expected: '20×200, 1 token',
    got: `${okCalls}×200, ${agent.stats.tokenRequests} token`,
    ok: okCalls === 20 && agent.stats.tokenRequests === 1,
  });
  // Revoke the agent's token behind its back: its next call gets 401, refreshes once, retries.
  await fetch(new URL('/oauth/revoke', baseUrl), {
    method: 'POST',
    headers: { ...form, authorization: basic },
    body: new URLSearchParams({ token: await agent.token() }).toString(),
  });
  const res = await agent.fetch('/billing/invoices');
  await res.body?.cancel();
  rows.push({
    name: 'agent: token revoked, retry',
    request: 'GET /billing/invoices',
    expected: '200, 2 tokens',
    got: `${res.status}, ${agent.stats.tokenRequests} tokens`,
    ok: res.status === 200 && agent.stats.tokenRequests === 2 && agent.stats.retries === 1,
  });
}

/**
 * Render tour rows as a plain-text table.
 *
 * @example
 * console.log(formatTable(rows));
 */
export function formatTable(rows) {
  const head = {
    n: '#',
    name: 'step',
    request: 'request',
    expected: 'expected',
    got: 'got',
    ok: '',
  };
  const lines = [
    head,
    ...rows.map((r, i) => ({ ...r, n: String(i + 1), ok: r.ok ? 'ok' : 'MISMATCH' })),
  ];
  const keys = ['n', 'name', 'request', 'expected', 'got', 'ok'];
  const width = Object.fromEntries(
    keys.map((k) => [k, Math.max(...lines.map((l) => l[k].length))]),
  );
  return lines
    .map((l) =>
      keys
        .map((k) => l[k].padEnd(width[k]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
