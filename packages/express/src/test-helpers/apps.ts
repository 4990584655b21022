import { createAuthenticator } from '@portcullis/core';
import express5, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import express4 from 'express4';
import { fakeMethod } from '../../../core/src/test-helpers/adapter-method.js';

/** Both majors, so every test runs on Express 5 and on Express 4. */
export const EXPRESSES: ReadonlyArray<readonly [string, () => Express]> = [
  ['Express 5', () => express5()],
  ['Express 4', () => express4()],
];

/** An authenticator over the fake method, realm `test`. */
export const fakeAuthenticator = () =>
  createAuthenticator({ methods: [fakeMethod()], realm: 'test' });

/** A handler that echoes what it saw. */
export const echo: RequestHandler = (req, res) => {
  res.json({ auth: req.auth ?? null });
};

/** An error handler that shows which error reached it. */
export const showError: ErrorRequestHandler = (err, _req, res, _next) => {
  res.status(418).json({ caught: err.code, status: err.status });
};
