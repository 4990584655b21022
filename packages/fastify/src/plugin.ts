import { checkOptions } from '@portcullis/core/adapter';
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { authenticate } from './authenticate.js';
import type { PortcullisPluginOptions } from './types.js';

const REGISTER_OPTIONS = ['prefix', 'logLevel', 'logSerializers'];

const setUp: FastifyPluginCallback<PortcullisPluginOptions> = (fastify, options, done) => {
  try {
    // Fastify hands a plugin the options of `register()` too.
    checkOptions('portcullis', options, ['authenticator', 'errors', ...REGISTER_OPTIONS]);
    const { authenticator, errors } = options;
    const hook =
      authenticator === undefined
        ? undefined
        : authenticate(authenticator, errors === undefined ? {} : { errors });
    if (hook === undefined && errors !== undefined) {
      throw new TypeError(
        'portcullis: `errors` is for `app.authenticate`; give `authenticator` too',
      );
    }
    // Fastify wants the request's shape declared up front: the hooks then fill these in place.
    if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', null);
    if (!fastify.hasRequestDecorator('budget')) fastify.decorateRequest('budget', null);
    if (hook !== undefined) fastify.decorate('authenticate', hook);
  } catch (err) {
    done(err as Error);
    return;
  }
  done();
};

/**
 * The Portcullis plugin for Fastify 4 and 5 (made with `fastify-plugin`, so it decorates the
 * instance it is registered on, not a child): it declares `request.auth` and `request.budget`
 * up front (`decorateRequest`, as Fastify wants), and with `{ authenticator }` decorates the
 * instance with `authenticate`, the `authenticate(authenticator)` hook, for
 * `{ onRequest: app.authenticate }`. The hooks work without it; with it every request has the
 * same shape. Bad options throw a `TypeError` when it is registered.
 *
 * @example
 * ```ts
 * import portcullis, { requireScope } from '@portcullis/fastify';
 *
 * await app.register(portcullis, { authenticator });
 * app.get('/billing', {
 *   onRequest: app.authenticate,
 *   preHandler: requireScope('billing:read'),
 * }, async (request) => ({ caller: request.auth?.subject }));
 * ```
 */
export const portcullis = fp(setUp, { fastify: '4.x || 5.x', name: '@portcullis/fastify' });
