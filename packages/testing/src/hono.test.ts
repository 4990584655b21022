import { type AuthVariables, authenticate, requireScope } from '@portcullis/hono';
import { Hono } from 'hono';
import { describeHelpers } from './test-helpers/scenarios.js';

describeHelpers('Hono', (authenticator) => {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get('/invoices', authenticate(authenticator), requireScope('billing:read'), (c) =>
    c.json({ subject: c.var.auth.subject, scopes: c.var.auth.scopes }),
  );
  app.get('/maybe', authenticate(authenticator, { optional: true }), (c) =>
    c.json({ subject: c.get('auth')?.subject ?? null }),
  );
  return async (path, headers = {}) => {
    const res = await app.request(path, { headers });
    return {
      status: res.status,
      challenge: res.headers.get('www-authenticate'),
      body: await res.json(),
    };
  };
});
