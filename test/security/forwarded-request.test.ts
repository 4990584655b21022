// Hono on @hono/node-server: a handler that forwards a new Request in-process with the same `env`
// (`app.fetch(new Request(url, { headers }), c.env)`) is authenticated by that Request's own
// headers, never by the socket's header lines of the request that carried it in.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createAuthenticator, jwt } from '@portcullis/core';
import { authenticate, withAuth } from '@portcullis/hono';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forge, hmac } from './support/jws.js';
import { AUDIENCE, claims, hmacSecret, ISSUER } from './support/keys.js';

let key: string;
let server: Server;
let origin: string;
const sign = (sub: string) =>
  forge({ header: { alg: 'HS256' }, payload: claims(undefined, { sub }), signer: hmac(key) });

beforeAll(async () => {
  key = hmacSecret();
  const authenticator = createAuthenticator({
    methods: [jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret: key })],
  });
  const app = new Hono();
  const whoami = (c: import('hono').Context) =>
    c.json({ subject: (c.var as { auth?: { subject: string } }).auth?.subject ?? null });
  app.get('/inner/middleware', authenticate(authenticator), whoami);
  app.get('/inner/with-auth', withAuth(authenticator, whoami));
  // Forwards to an inner route with the credential the caller names, or none, and the same env.
  app.get('/forward/:route', (c) => {
    const as = c.req.header('x-forward-as');
    const headers = new Headers(as === undefined ? {} : { authorization: `Bearer ${sign(as)}` });
    const url = new URL(`/inner/${c.req.param('route')}`, c.req.url);
    return app.fetch(new Request(url, { headers }), c.env);
  });
  server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function get(path: string, headers: Record<string, string>) {
  const res = await fetch(`${origin}${path}`, { headers });
  return { status: res.status, body: (await res.json().catch(() => null)) as unknown };
}

describe.each(['middleware', 'with-auth'])('Hono %s on @hono/node-server', (route) => {
  it('authenticates a direct request by its own header lines', async () => {
    const answer = await get(`/inner/${route}`, { authorization: `Bearer ${sign('caller')}` });
    expect(answer).toEqual({ status: 200, body: { subject: 'caller' } });
    expect((await get(`/inner/${route}`, {})).status).toBe(401);
  });

  it('authenticates a forwarded Request by its own headers, not the caller’s', async () => {
    const caller = { authorization: `Bearer ${sign('caller')}` };
    // No credential on the forwarded request: refused, though the caller sent a good one.
    expect((await get(`/forward/${route}`, caller)).status).toBe(401);
    const other = await get(`/forward/${route}`, { ...caller, 'x-forward-as': 'other' });
    expect(other).toEqual({ status: 200, body: { subject: 'other' } });
  });
});
