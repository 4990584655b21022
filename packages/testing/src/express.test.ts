import { authenticate, requireScope } from '@portcullis/express';
import express from 'express';
import request from 'supertest';
import { describeHelpers } from './test-helpers/scenarios.js';

describeHelpers('Express', (authenticator) => {
  const app = express();
  app.get('/invoices', authenticate(authenticator), requireScope('billing:read'), (req, res) => {
    res.json({ subject: req.auth?.subject, scopes: req.auth?.scopes });
  });
  app.get('/maybe', authenticate(authenticator, { optional: true }), (req, res) => {
    res.json({ subject: req.auth?.subject ?? null });
  });
  return async (path, headers = {}) => {
    const res = await request(app).get(path).set(headers);
    return {
      status: res.status,
      challenge: res.headers['www-authenticate'] ?? null,
      body: res.body,
    };
  };
});
