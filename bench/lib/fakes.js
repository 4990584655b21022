// Minimal in-memory requests for calling middleware without a socket. Every middleware of one
// framework, Portcullis or peer, gets the same fake, so their rows compare like with like; the
// "no auth" baseline row of each framework shows what the fake itself costs.
import express from 'express';
import { Hono } from 'hono';
import Koa from 'koa';

const expressApp = express();

function nodeHeaders(token) {
  const authorization = `Bearer ${token}`;
  return {
    headers: { host: '127.0.0.1:3000', authorization },
    headersDistinct: { host: ['127.0.0.1:3000'], authorization: [authorization] },
    rawHeaders: ['Host', '127.0.0.1:3000', 'Authorization', authorization],
  };
}

const socket = { remoteAddress: '127.0.0.1', encrypted: false };

/** An Express request for `GET /orders` with `Authorization: Bearer <token>`, on Express's prototype. */
export function expressRequest(token) {
  const req = {
    method: 'GET',
    url: '/orders',
    originalUrl: '/orders',
    httpVersion: '1.1',
    socket,
    connection: socket,
    ...nodeHeaders(token),
  };
  return Object.setPrototypeOf(req, expressApp.request);
}

/** A response that records what an error path would send (the benchmark only runs success paths). */
export function expressResponse() {
  const res = {
    statusCode: 200,
    headersSent: false,
    locals: {},
    setHeader() {},
    getHeader() {},
    set() {
      return res;
    },
    status(code) {
      res.statusCode = code;
      return res;
    },
    json() {
      res.ended = true;
      return res;
    },
    send() {
      res.ended = true;
      return res;
    },
    end() {
      res.ended = true;
    },
  };
  return res;
}

/**
 * Run an Express middleware on a fresh fake request; resolves with the request once `next()` is
 * called without an error, rejects otherwise.
 */
export function runExpress(middleware, token) {
  const req = expressRequest(token);
  const res = expressResponse();
  return new Promise((resolve, reject) => {
    const out = middleware(req, res, (err) => (err ? reject(err) : resolve(req)));
    if (out && typeof out.then === 'function') {
      out.then(() => {
        if (res.ended) reject(new Error(`middleware answered ${res.statusCode}`));
      }, reject);
    }
  });
}

const koaApp = new Koa();
const koaResponse = {
  statusCode: 404,
  headersSent: false,
  setHeader() {},
  getHeader() {},
  removeHeader() {},
  getHeaders: () => ({}),
};

/** A Koa context from Koa's own `createContext`, over a fake Node request. */
export function koaContext(token) {
  const req = { method: 'GET', url: '/orders', httpVersion: '1.1', socket, ...nodeHeaders(token) };
  return koaApp.createContext(req, { ...koaResponse });
}

const koaNext = () => Promise.resolve();

/** Run a Koa middleware on a fresh context; resolves with the context after `next()`. */
export async function runKoa(middleware, token) {
  const ctx = koaContext(token);
  let called = false;
  await middleware(ctx, () => {
    called = true;
    return koaNext();
  });
  if (!called) throw new Error(`middleware answered ${ctx.status}`);
  return ctx;
}

/** A Hono app with `middleware` on `GET /orders`, driven in memory through `app.fetch`. */
export function honoRunner(middleware) {
  const app = new Hono();
  if (middleware) app.use('/orders', middleware);
  app.get('/orders', (c) => c.text('ok'));
  return async (token) => {
    const res = await app.fetch(
      new Request('http://127.0.0.1/orders', { headers: { authorization: `Bearer ${token}` } }),
    );
    if (res.status !== 200) throw new Error(`hono answered ${res.status}`);
    return res;
  };
}
