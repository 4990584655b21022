import { createAuthenticator } from '@portcullis/core';
import type { Context } from 'hono';
import { fakeMethod } from '../../../core/src/test-helpers/adapter-method.js';

/** An authenticator over the fake method, realm `test`. */
export const fakeAuthenticator = () =>
  createAuthenticator({ methods: [fakeMethod()], realm: 'test' });

/** The handler at the end of every chain: echo what it saw. */
export const echo = (c: Context) => c.json({ auth: c.var.auth ?? null });

/** Request headers from pairs, so a name can repeat (Headers.append). */
export function headers(...pairs: [string, string][]): Headers {
  const h = new Headers();
  for (const [name, value] of pairs) h.append(name, value);
  return h;
}
