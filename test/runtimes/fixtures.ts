// The runtime matrix's fixtures, made in Node before any runtime starts: keys and tokens signed by
// @portcullis/testing issuers, API keys and the hashes their lookup knows, a revoked jti, and the
// local JWKS server (127.0.0.1, a free port) the RS256 method fetches its keys from. The cases are
// the requests cases.js sends; EXPECTED is what every runtime must answer to each.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateApiKey, hashApiKey } from '@portcullis/core';
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';

export const REALM = 'runtimes';
export const AUDIENCE = 'https://api.runtimes.test';
export const PREFIX = 'pcs';
const SCOPES = 'orders:read orders:write';

/** One request of the matrix: its name and its headers. `repeat`: sent again (a cached answer). */
export interface Case {
  name: string;
  headers: Record<string, string>;
  repeat?: number;
}

/** What cases.js takes, as JSON. */
export interface Fixtures {
  realm: string;
  audience: string;
  /** The frozen clock, epoch ms: tokens are signed at it and judged at it. */
  now: number;
  issuers: {
    HS256: { issuer: string; secret: string };
    RS256: { issuer: string; jwks: string };
    ES256: { issuer: string; jwks: { keys: unknown[] } };
    EdDSA: { issuer: string; jwks: { keys: unknown[] } };
    redirect: { issuer: string; jwks: string };
  };
  apiKeys: { prefix: string; records: Record<string, unknown> };
  revoked: { jti: string; exp: number }[];
  cases: Case[];
}

/** What a runtime answered to one case on one surface. */
export interface Result {
  case: string;
  surface: string;
  status: number;
  challenge: string | null;
  body: Record<string, unknown>;
  mismatch?: unknown[];
}

/** What every runtime must answer: the status, the challenge's `error` (none: a bare challenge). */
export interface Expected {
  status: number;
  error?: string;
  scope?: string;
  body: Record<string, unknown>;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ok = (method: string, subject: string, scopes = SCOPES.split(' ')): Expected => ({
  status: 200,
  body: { method, subject, scopes },
});
const invalid = (): Expected => ({
  status: 401,
  error: 'invalid_token',
  body: { error: 'invalid_token' },
});

/** A JWKS server on 127.0.0.1: `/rs256.json`, and `/redirect` answering a 302 to it. */
export interface JwksServer {
  origin: string;
  port: number;
  /** Requests it answered, by path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function serveJwks(jwks: unknown): Promise<JwksServer> {
  const body = JSON.stringify(jwks);
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/rs256.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    } else if (path === '/redirect') {
      res.writeHead(302, { location: '/rs256.json' });
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function issuers(now: () => number) {
  const make = (algorithm: 'HS256' | 'RS256' | 'ES256' | 'EdDSA', name: string) =>
    createTestIssuer({
      algorithm,
      issuer: `https://${name}.runtimes.test/`,
      audience: AUDIENCE,
      now,
    });
  const [hs, rs, es, ed, redirect] = await Promise.all([
    make('HS256', 'hs256'),
    make('RS256', 'rs256'),
    make('ES256', 'es256'),
    make('EdDSA', 'eddsa'),
    make('RS256', 'redirect'),
  ]);
  return { hs, rs, es, ed, redirect };
}

const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/**
 * Sign the fixtures and start the JWKS server. The redirect issuer's key set URL answers a 302
 * to the RS256 key set, which holds no key of its: a runtime that follows the redirect answers
 * 401, one that does not (core asks for `redirect: 'manual'`) answers 503.
 */
export async function makeFixtures(): Promise<{
  fixtures: Fixtures;
  expected: Map<string, Expected>;
  server: JwksServer;
}> {
  const now = Date.now();
  const clock = () => now;
  const { hs, rs, es, ed, redirect } = await issuers(clock);
  const server = await serveJwks(rs.jwks);
  const reader = generateApiKey({ prefix: PREFIX });
  const unknown = generateApiKey({ prefix: PREFIX });
  const last = reader.key.at(-1) === 'A' ? 'B' : 'A';
  const malformed = `${reader.key.slice(0, -1)}${last}`;
  const records = {
    [reader.hash]: { id: 'key-1', subject: 'svc-reports', scopes: SCOPES.split(' ') },
  };
  if (hashApiKey(reader.key) !== reader.hash) throw new Error('hashApiKey disagrees');

  const sign = (issuer: TestIssuer, claims = {}, options = {}) =>
    issuer.sign({ scope: SCOPES, ...claims }, { expiresIn: '1h', ...options });
  const revokedJti = 'revoked-jti-1';
  const table: [Case, Expected][] = [
    [
      {
        name: 'HS256 valid',
        headers: bearer(await sign(hs, {}, { subject: 'hs-client' })),
        repeat: 3,
      },
      ok('jwt', 'hs-client'),
    ],
    [
      {
        name: 'RS256 valid, remote JWKS',
        headers: bearer(await sign(rs, {}, { subject: 'rs-client' })),
        repeat: 3,
      },
      ok('jwt', 'rs-client'),
    ],
    [
      {
        name: 'ES256 valid',
        headers: bearer(await sign(es, {}, { subject: 'es-client' })),
        repeat: 3,
      },
      ok('jwt', 'es-client'),
    ],
    [
      {
        name: 'EdDSA valid',
        headers: bearer(await sign(ed, {}, { subject: 'ed-client' })),
        repeat: 3,
      },
      ok('jwt', 'ed-client'),
    ],
    [
      { name: 'wrong scope', headers: bearer(await sign(es, { scope: 'profile' })) },
      {
        status: 403,
        error: 'insufficient_scope',
        scope: 'orders:read',
        body: { error: 'insufficient_scope' },
      },
    ],
    [
      { name: 'HS256 expired', headers: bearer(await sign(hs, {}, { broken: 'expired' })) },
      invalid(),
    ],
    [
      { name: 'RS256 expired', headers: bearer(await sign(rs, {}, { broken: 'expired' })) },
      invalid(),
    ],
    [
      { name: 'HS256 bad signature', headers: bearer(await sign(hs, {}, { broken: 'tampered' })) },
      invalid(),
    ],
    [
      { name: 'RS256 bad signature', headers: bearer(await sign(rs, {}, { broken: 'tampered' })) },
      invalid(),
    ],
    [
      { name: 'ES256 bad signature', headers: bearer(await sign(es, {}, { broken: 'tampered' })) },
      invalid(),
    ],
    [
      { name: 'EdDSA bad signature', headers: bearer(await sign(ed, {}, { broken: 'tampered' })) },
      invalid(),
    ],
    [
      {
        name: 'ES256 other key, same kid',
        headers: bearer(await sign(es, {}, { broken: 'other-key' })),
      },
      invalid(),
    ],
    [
      { name: 'wrong issuer', headers: bearer(await sign(rs, {}, { broken: 'wrong-issuer' })) },
      invalid(),
    ],
    [
      { name: 'wrong audience', headers: bearer(await sign(ed, {}, { broken: 'wrong-audience' })) },
      invalid(),
    ],
    [{ name: 'alg none', headers: bearer(await sign(hs, {}, { broken: 'alg-none' })) }, invalid()],
    [{ name: 'revoked jti', headers: bearer(await sign(hs, {}, { jti: revokedJti })) }, invalid()],
    [
      {
        name: 'RS256 kid not in the remote set',
        headers: bearer(await sign(rs, {}, { header: { kid: 'not-in-set' } })),
      },
      invalid(),
    ],
    [
      { name: 'remote JWKS redirect not followed', headers: bearer(await sign(redirect)) },
      { status: 503, body: { error: 'temporarily_unavailable' } },
    ],
    [
      { name: 'missing credential', headers: {} },
      { status: 401, body: { error: 'unauthorized' } },
    ],
    [
      { name: 'two credentials', headers: { ...bearer(await sign(hs)), 'x-api-key': reader.key } },
      { status: 400, error: 'invalid_request', body: { error: 'invalid_request' } },
    ],
    [
      { name: 'API key valid, x-api-key', headers: { 'x-api-key': reader.key }, repeat: 3 },
      ok('api_key', 'svc-reports'),
    ],
    [{ name: 'API key valid, bearer', headers: bearer(reader.key) }, ok('api_key', 'svc-reports')],
    [{ name: 'API key unknown', headers: { 'x-api-key': unknown.key } }, invalid()],
    [{ name: 'API key malformed', headers: { 'x-api-key': malformed } }, invalid()],
  ];
  const fixtures: Fixtures = {
    realm: REALM,
    audience: AUDIENCE,
    now,
    issuers: {
      HS256: { issuer: hs.issuer, secret: base64url(hs.secret as Uint8Array) },
      RS256: { issuer: rs.issuer, jwks: `${server.origin}/rs256.json` },
      ES256: { issuer: es.issuer, jwks: es.jwks as { keys: unknown[] } },
      EdDSA: { issuer: ed.issuer, jwks: ed.jwks as { keys: unknown[] } },
      redirect: { issuer: redirect.issuer, jwks: `${server.origin}/redirect` },
    },
    apiKeys: { prefix: PREFIX, records },
    revoked: [{ jti: revokedJti, exp: Math.floor(now / 1000) + 7200 }],
    cases: table.map(([c]) => c),
  };
  return { fixtures, expected: new Map(table.map(([c, e]) => [c.name, e])), server };
}
