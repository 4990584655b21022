// The runtime matrix's one case module, plain ESM JavaScript so that Node, Bun, Deno and workerd
// all run it as it is. Given fixtures signed in Node beforehand (tokens, keys, API key hashes, a
// local JWKS URL), it builds one authenticator per surface — jwt() for HS256, RS256 (remote JWKS),
// ES256 and EdDSA, apiKey() with a lookup, a memoryDenyList() — mounts the same route on a Hono app
// (authenticate + requireScope), as a Hono withAuth() route and as a @portcullis/fetch withAuth()
// handler, sends every case's request in memory and answers what came back. runtimes.test.ts
// compares each runtime's answers with Node's and with the expected table.
import { apiKey, createAuthenticator, jwt, memoryDenyList } from '@portcullis/core';
import { withAuth as fetchWithAuth } from '@portcullis/fetch';
import { authenticate, withAuth as honoWithAuth, requireScope } from '@portcullis/hono';
import { Hono } from 'hono';

/** The scope the route requires. */
export const SCOPE = 'orders:read';
/** The route every surface serves. */
export const PATH = '/orders';
/** Where each case's request is sent: the three ways an app mounts Portcullis on fetch runtimes. */
export const SURFACES = ['hono', 'hono-with-auth', 'fetch'];

function bytesOf(base64url) {
  const binary = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * A fresh authenticator from the fixtures: every surface gets its own, so no cache is shared.
 * The clock is the fixtures' own, frozen: every runtime judges the tokens at the same instant.
 */
export function makeAuthenticator(fixtures) {
  const { issuers, audience } = fixtures;
  const denyList = memoryDenyList();
  for (const { jti, exp } of fixtures.revoked) denyList.revoke(jti, exp);
  const records = new Map(Object.entries(fixtures.apiKeys.records));
  return createAuthenticator({
    realm: fixtures.realm,
    now: () => fixtures.now,
    methods: [
      apiKey({
        prefix: fixtures.apiKeys.prefix,
        lookup: (hash) => records.get(hash) ?? null,
      }),
      jwt({
        algorithms: ['HS256'],
        issuer: issuers.HS256.issuer,
        audience,
        secret: bytesOf(issuers.HS256.secret),
        denyList,
      }),
      jwt({
        algorithms: ['RS256'],
        issuer: issuers.RS256.issuer,
        audience,
        jwks: issuers.RS256.jwks,
        denyList,
      }),
      jwt({
        algorithms: ['ES256'],
        issuer: issuers.ES256.issuer,
        audience,
        jwks: issuers.ES256.jwks,
        denyList,
      }),
      jwt({
        algorithms: ['EdDSA'],
        issuer: issuers.EdDSA.issuer,
        audience,
        jwks: issuers.EdDSA.jwks,
        denyList,
      }),
      // A key set URL that answers a redirect: never followed, so no key, so 503.
      jwt({
        algorithms: ['RS256'],
        issuer: issuers.redirect.issuer,
        audience,
        jwks: issuers.redirect.jwks,
      }),
    ],
  });
}

const granted = (auth) => ({ method: auth.method, subject: auth.subject, scopes: auth.scopes });

/** The route on each surface, each with an authenticator of its own. */
export function makeSurfaces(fixtures) {
  const app = new Hono();
  app.get(PATH, authenticate(makeAuthenticator(fixtures)), requireScope(SCOPE), (c) =>
    c.json(granted(c.var.auth)),
  );
  const withAuthApp = new Hono();
  withAuthApp.get(
    PATH,
    honoWithAuth(makeAuthenticator(fixtures), (c) => c.json(granted(c.var.auth)), {
      requireScope: [SCOPE],
    }),
  );
  const handler = fetchWithAuth((_request, { auth }) => Response.json(granted(auth)), {
    authenticator: makeAuthenticator(fixtures),
    scopes: [SCOPE],
  });
  return {
    hono: (request) => app.fetch(request),
    'hono-with-auth': (request) => withAuthApp.fetch(request),
    fetch: (request) => handler(request),
  };
}

/** What the tests compare of an answer: status, challenge, and a subset of the JSON body. */
async function summary(response) {
  const text = await response.text();
  let body;
  try {
    const json = JSON.parse(text);
    body =
      response.status === 200
        ? { method: json.method, subject: json.subject, scopes: json.scopes }
        : { error: json.error };
  } catch {
    body = { text: text.slice(0, 200) };
  }
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    body,
  };
}

/**
 * Run every case of `fixtures.cases` on every surface, in order; a case sent `repeat` times (a
 * cached token) answers with its last response, and with a `mismatch` when the answers differed.
 *
 * @example
 * ```js
 * const results = await runCases(fixtures); // [{ case, surface, status, challenge, body }, …]
 * ```
 */
export async function runCases(fixtures) {
  const surfaces = makeSurfaces(fixtures);
  const results = [];
  for (const surface of SURFACES) {
    for (const c of fixtures.cases) {
      const answers = [];
      for (let i = 0; i < (c.repeat ?? 1); i++) {
        const request = new Request(`http://api.test${PATH}`, { headers: c.headers });
        try {
          answers.push(await summary(await surfaces[surface](request)));
        } catch (err) {
          answers.push({ status: 0, challenge: null, body: { thrown: String(err?.name) } });
        }
      }
      const last = answers[answers.length - 1];
      const first = JSON.stringify(answers[0]);
      const result = { case: c.name, surface, ...last };
      if (answers.some((a) => JSON.stringify(a) !== first)) result.mismatch = answers;
      results.push(result);
    }
  }
  return results;
}
