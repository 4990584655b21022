// The client table: what `authFetch()` adds to each call with a cached credential, by paired A/B
// timing against the same no-op fetch called directly. Goal: ≤ 2 µs per call besides the fetch.
import { paired } from '../lib/paired.js';
import { renderTable, us } from '../lib/table.js';

/** The per-call budget `authFetch()` is held to, in ns. */
const GOAL_NS = 2000;

const RESPONSE = new Response(null, { status: 204 });
const noopFetch = () => Promise.resolve(RESPONSE);

/** Rows: an API key provider, and client credentials with a token already cached. */
export async function runClient(opts, log) {
  let client;
  try {
    client = await import('@portcullis/client');
  } catch (err) {
    return { error: `@portcullis/client not built: ${err.message}` };
  }
  log('client: paired timing of authFetch() with a cached credential');
  const pairs = opts.quick ? 16 : 40;
  const url = 'http://127.0.0.1:1/v1/orders';
  const tokenAnswer = () =>
    new Response(
      JSON.stringify({ access_token: 'a'.repeat(40), token_type: 'Bearer', expires_in: 3600 }),
      {
        headers: { 'content-type': 'application/json' },
      },
    );
  let tokenRequests = 0;
  const cc = client.clientCredentials({
    tokenEndpoint: 'http://127.0.0.1:1/oauth/token',
    clientId: 'bench',
    clientSecret: 'bench-secret-bench-secret',
    fetch: () => {
      tokenRequests++;
      return Promise.resolve(tokenAnswer());
    },
  });
  const providers = [
    ['apiKeyAuth()', client.apiKeyAuth(`pcs_${'k'.repeat(43)}`)],
    ['clientCredentials(), token cached', cc],
  ];
  const rows = [];
  for (const [name, provider] of providers) {
    const wrapped = client.authFetch(provider, noopFetch);
    await wrapped(url); // the first call fetches the token
    const timed = await paired(
      () => noopFetch(url),
      () => wrapped(url),
      { pairs },
    );
    rows.push({ name, aNs: timed.aNs, bNs: timed.bNs, diffNs: timed.diffNs });
  }
  if (tokenRequests !== 1) return { error: `expected one token request, saw ${tokenRequests}` };
  return { rows };
}

/** The table and its MET/MISS lines. */
export function renderClient(result, markdown = false) {
  if (result.error) return { table: '', notes: [result.error], lines: [] };
  const table = renderTable(
    ['row', 'fetch alone µs', 'authFetch µs', 'added µs', '≤ 2 µs'],
    result.rows.map((r) => [
      r.name,
      us(r.aNs),
      us(r.bNs),
      `+${us(r.diffNs)}`,
      r.diffNs <= GOAL_NS ? 'MET' : 'MISS',
    ]),
    markdown,
  );
  const lines = result.rows.map(
    (r) =>
      `  ${r.diffNs <= GOAL_NS ? 'MET ' : 'MISS'}  authFetch(${r.name}): +${us(r.diffNs)} µs per call besides the fetch (≤ 2 µs)`,
  );
  return { table, notes: [], lines };
}
