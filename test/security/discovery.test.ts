// Discovery (`jwt({ discovery: true })`) trusts a metadata document only when its `issuer` is
// exactly the configured one (OIDC Discovery §4.3, RFC 8414 §3.3): a document at the issuer's
// well-known paths that names another issuer — a misconfigured gateway, a shared host, an
// attacker's copy — must never make the keys at its `jwks_uri` trusted. With no document of ours
// ever read, the answer is 503 (fail closed) with the audit reason `discovery_issuer_mismatch`;
// once one was read, a later impostor document leaves the keys it named in service.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthErrorCodes as C, jwt } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterName, TARGETS } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { forge, rsa } from './support/jws.js';
import { AUDIENCE, claims, ISSUER, type KeyPair, keyPair } from './support/keys.js';

useLeakCheck();

const OPENID = '/.well-known/openid-configuration';
const OAUTH = '/.well-known/oauth-authorization-server';
const CACHE_MAX_AGE = 60_000;

let ours: KeyPair;
let attacker: KeyPair;
let server: Server;
/** The server's origin: the issuer the API is configured with. */
let origin: string;
/** Documents and key sets by path; anything else is a 404. */
let documents: Record<string, unknown> = {};
let paths: string[] = [];

beforeAll(async () => {
  ours = await keyPair('RS256');
  attacker = await keyPair('RS256');
  const listener: RequestListener = (req, res) => {
    paths.push(req.url ?? '');
    const body = documents[req.url ?? ''];
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function setup(adapter: AdapterName, issuer = origin) {
  paths = [];
  const clock = { now: Date.now() };
  const method = jwt({
    algorithms: ['RS256'],
    issuer,
    audience: AUDIENCE,
    discovery: true,
    jwksOptions: { timeout: 2_000, cacheMaxAge: CACHE_MAX_AGE },
  });
  const app = await scenario(adapter, { methods: [method], now: () => clock.now });
  const token = (key: KeyPair, iss = issuer) =>
    forge({
      header: { alg: 'RS256', kid: key.kid },
      payload: claims(Math.floor(clock.now / 1000), { iss }),
      signer: rsa(key.privateKey),
    });
  return { clock, app, token };
}

/** A document naming `issuer` and the key set at `keysPath` on our server. */
const metadata = (issuer: string, keysPath: string) => ({
  issuer,
  jwks_uri: `${origin}${keysPath}`,
});

describe.each(TARGETS)('%s: discovery trusts only a document naming our issuer', (adapter) => {
  it.each([
    ['another issuer', () => ISSUER],
    ['our issuer with a trailing slash', () => `${origin}/`],
    ['our issuer in another case', () => origin.toUpperCase()],
    ['no issuer at all', () => undefined],
  ])('a document naming %s answers 503 and its keys are never fetched', async (_name, named) => {
    documents = {
      [OPENID]: { ...metadata('', '/attacker-keys'), issuer: named() },
      '/attacker-keys': { keys: [attacker.jwk] },
    };
    const { app, token } = await setup(adapter);
    for (const key of [attacker, ours]) {
      const answer = await app.bearer(token(key));
      expectRejected(answer, 503, [C.JWKS_UNAVAILABLE]);
      expect(answer.events.at(-1)?.reason).toBe('discovery_issuer_mismatch');
      expect(answer.headers['retry-after']).toMatch(/^\d+$/);
    }
    expect(paths).not.toContain('/attacker-keys');
  });

  it('the RFC 8414 document is held to the same rule', async () => {
    documents = {
      [`${OAUTH}/tenant`]: metadata(ISSUER, '/attacker-keys'),
      '/attacker-keys': { keys: [attacker.jwk] },
    };
    const { app, token } = await setup(adapter, `${origin}/tenant`);
    const answer = await app.bearer(token(attacker));
    expectRejected(answer, 503, [C.JWKS_UNAVAILABLE]);
    expect(answer.events.at(-1)?.reason).toBe('discovery_issuer_mismatch');
    expect(paths).toEqual([`/tenant${OPENID}`, `${OAUTH}/tenant`]);
  });

  it('an impostor document after a good one leaves the good keys in service', async () => {
    documents = {
      [OPENID]: metadata(origin, '/keys'),
      '/keys': { keys: [ours.jwk] },
      '/attacker-keys': { keys: [attacker.jwk] },
    };
    const { clock, app, token } = await setup(adapter);
    expectAccepted(await app.bearer(token(ours)));
    documents[OPENID] = metadata(ISSUER, '/attacker-keys');
    clock.now += CACHE_MAX_AGE + 1; // stale: the document is read again
    expectAccepted(await app.bearer(token(ours)));
    expect(paths).toEqual([OPENID, '/keys', OPENID, '/keys']);
    expectRejected(await app.bearer(token(attacker)), 401, [C.JWT_NO_MATCHING_KEY]);
    expect(paths).not.toContain('/attacker-keys');
  });

  it('a document of ours is used: the control case', async () => {
    documents = { [OPENID]: metadata(origin, '/keys'), '/keys': { keys: [ours.jwk] } };
    const { app, token } = await setup(adapter);
    expectAccepted(await app.bearer(token(ours)));
    expectRejected(await app.bearer(token(attacker)), 401, [C.JWT_NO_MATCHING_KEY]);
  });
});
