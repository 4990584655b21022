import { createAuthenticator } from '@portcullis/core';
import Koa, { type Middleware } from 'koa';
import Koa2 from 'koa2';
import { fakeMethod } from '../../../core/src/test-helpers/adapter-method.js';

/** Both majors, so every test runs on Koa 3 and on Koa 2. */
export const KOAS: ReadonlyArray<readonly [string, () => Koa]> = [
  ['Koa 3', () => new Koa()],
  ['Koa 2', () => new Koa2()],
];

/** An authenticator over the fake method, realm `test`. */
export const fakeAuthenticator = () =>
  createAuthenticator({ methods: [fakeMethod()], realm: 'test' });

/** Middleware that shows which error was thrown downstream, as status 418. */
export const showError: Middleware = async (ctx, next) => {
  try {
    await next();
  } catch (err) {
    const e = err as { code?: string; status?: number };
    ctx.status = 418;
    ctx.body = { caught: e.code, status: e.status };
  }
};

/** The handler at the end of every chain: echo what it saw. */
export const echo: Middleware = (ctx) => {
  ctx.body = { auth: ctx.state.auth ?? null };
};

/** A quiet app running `middleware` then `echo`, as a Node request listener. */
export function appOf(make: () => Koa, ...middleware: Middleware[]) {
  const app = make();
  app.silent = true;
  for (const m of middleware) app.use(m);
  app.use(echo);
  return app.callback();
}
