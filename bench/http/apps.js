// The servers of the HTTP mode: one route, `GET /orders` answering a small JSON body, on Express,
// Koa or Hono, with no auth, Portcullis, or the framework's most used peer middleware.

import { createPublicKey, createSecretKey } from 'node:crypto';
import { createServer } from 'node:http';
import { serve } from '@hono/node-server';
import express from 'express';
import { expressjwt } from 'express-jwt';
import { auth as oauth2Bearer } from 'express-oauth2-jwt-bearer';
import { Hono } from 'hono';
import { jwt as honoJwt } from 'hono/jwt';
import Koa from 'koa';
import koaJwt from 'koa-jwt';
import { AUDIENCE, ISSUER } from '../lib/keys.js';

const BODY = { orders: [{ id: 'o_1', total: 42 }] };

/** Which variants each framework runs, in order; the first is the no-auth baseline. */
export const VARIANTS = {
  // `empty-middleware`: no auth, one middleware that only passes the request on: what any auth
  // middleware costs before it does anything (on Hono, the first middleware turns a synchronous
  // answer into a promise, which @hono/node-server answers on a slower path).
  express: [
    'none',
    'empty-middleware',
    'portcullis',
    'express-jwt',
    'express-oauth2-jwt-bearer',
    'portcullis-api-key',
  ],
  koa: ['none', 'empty-middleware', 'portcullis', 'koa-jwt', 'portcullis-api-key'],
  // `portcullis-withauth`: the route's one handler wrapped in withAuth(), no middleware at all.
  hono: [
    'none',
    'empty-middleware',
    'portcullis',
    'portcullis-withauth',
    'hono/jwt',
    'portcullis-api-key',
  ],
};

/** Key material as sent to the child: `{ alg, secret }` or `{ alg, pem }`, plus `apiKeyHash`. */
function keyObjectOf(material) {
  return material.secret
    ? createSecretKey(Buffer.from(material.secret))
    : createPublicKey(material.pem);
}

async function portcullisAuthenticator(material, apiKeyOnly) {
  const core = await import('@portcullis/core');
  const methods = [];
  if (apiKeyOnly) {
    const record = { id: 'key_bench', subject: 'svc-bench', scopes: ['orders:read'] };
    methods.push(
      core.apiKey({ prefix: 'pcs', lookup: (h) => (h === material.apiKeyHash ? record : null) }),
    );
  } else {
    const options = { algorithms: [material.alg], issuer: ISSUER, audience: AUDIENCE };
    if (material.secret) options.secret = material.secret;
    else options.publicKey = keyObjectOf(material);
    methods.push(core.jwt(options));
  }
  return core.createAuthenticator({ methods });
}

async function webKey(material) {
  const algorithms = {
    HS256: { name: 'HMAC', hash: 'SHA-256' },
    RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    ES256: { name: 'ECDSA', namedCurve: 'P-256' },
    EdDSA: { name: 'Ed25519' },
  };
  return material.secret
    ? crypto.subtle.importKey('raw', Buffer.from(material.secret), algorithms.HS256, false, [
        'verify',
      ])
    : crypto.subtle.importKey(
        'jwk',
        createPublicKey(material.pem).export({ format: 'jwk' }),
        algorithms[material.alg],
        false,
        ['verify'],
      );
}

async function expressApp(variant, material) {
  const app = express();
  app.disable('x-powered-by');
  const guards = [];
  if (variant === 'portcullis' || variant === 'portcullis-api-key') {
    const { authenticate } = await import('@portcullis/express');
    guards.push(authenticate(await portcullisAuthenticator(material, variant !== 'portcullis')));
  } else if (variant === 'empty-middleware') {
    guards.push((_req, _res, next) => next());
  } else if (variant === 'express-jwt') {
    guards.push(
      expressjwt({
        secret: keyObjectOf(material),
        algorithms: [material.alg],
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
    );
  } else if (variant === 'express-oauth2-jwt-bearer') {
    guards.push(
      oauth2Bearer(
        material.secret
          ? {
              issuer: ISSUER,
              audience: AUDIENCE,
              secret: material.secret,
              tokenSigningAlg: 'HS256',
            }
          : {
              issuer: ISSUER,
              audience: AUDIENCE,
              publicKey: material.pem,
              tokenSigningAlg: material.alg,
            },
      ),
    );
  }
  app.get('/orders', ...guards, (_req, res) => {
    res.json(BODY);
  });
  app.use((err, _req, res, _next) => {
    res.status(err.status ?? 500).json({ error: err.code ?? 'error' });
  });
  return createServer(app);
}

async function koaApp(variant, material) {
  const app = new Koa();
  if (variant === 'portcullis' || variant === 'portcullis-api-key') {
    const { authenticate } = await import('@portcullis/koa');
    app.use(authenticate(await portcullisAuthenticator(material, variant !== 'portcullis')));
  } else if (variant === 'empty-middleware') {
    app.use(async (_ctx, next) => {
      await next();
    });
  } else if (variant === 'koa-jwt') {
    app.use(
      koaJwt({
        secret: keyObjectOf(material),
        algorithms: [material.alg],
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
    );
  }
  app.use((ctx) => {
    if (ctx.method === 'GET' && ctx.path === '/orders') ctx.body = BODY;
  });
  return createServer(app.callback());
}

async function honoApp(variant, material) {
  const app = new Hono();
  if (variant === 'portcullis' || variant === 'portcullis-api-key') {
    const { authenticate } = await import('@portcullis/hono');
    app.use(
      '/orders',
      authenticate(await portcullisAuthenticator(material, variant !== 'portcullis')),
    );
  } else if (variant === 'empty-middleware') {
    app.use('/orders', async (_c, next) => {
      await next();
    });
  } else if (variant === 'hono/jwt') {
    app.use(
      '/orders',
      honoJwt({
        secret: await webKey(material),
        alg: material.alg,
        verification: { iss: ISSUER, aud: AUDIENCE },
      }),
    );
  }
  if (variant === 'portcullis-withauth') {
    const { withAuth } = await import('@portcullis/hono');
    const authenticator = await portcullisAuthenticator(material, false);
    app.get(
      '/orders',
      withAuth(authenticator, (c) => c.json(BODY)),
    );
  } else {
    app.get('/orders', (c) => c.json(BODY));
  }
  return app;
}

/** Start the server on 127.0.0.1 and an ephemeral port; resolves to `{ port, close }`. */
export async function start(framework, variant, material) {
  if (framework === 'hono') {
    const app = await honoApp(variant, material);
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
        resolve({ port: info.port, close: () => server.close() }),
      );
    });
  }
  const server =
    framework === 'express' ? await expressApp(variant, material) : await koaApp(variant, material);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: server.address().port, close: () => server.close() }),
    );
  });
}
