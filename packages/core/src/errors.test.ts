import { describe, expect, it } from 'vitest';
import { AuthError, isAuthError } from './auth-error.js';
import { AuthErrorCodes } from './error-codes.js';
import {
  insufficientScope,
  invalidRequest,
  invalidToken,
  noCredentials,
  serverError,
  unavailable,
} from './errors.js';

describe('AuthError', () => {
  it('a missing credential is a 401 with a bare challenge and no error code', () => {
    const err = noCredentials('api');
    expect(err.status).toBe(401);
    expect(err.code).toBe('ERR_NO_CREDENTIALS');
    expect(err.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(err.expose).toBe(true);
  });

  it('a bad token is a 401 invalid_token whose challenge names the error', () => {
    const err = invalidToken(AuthErrorCodes.JWT_EXPIRED, 'The token expired', 'api');
    expect(err).toBeInstanceOf(Error);
    expect(err.status).toBe(401);
    expect(err.error).toBe('invalid_token');
    expect(err.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The token expired"',
    );
    expect(err.body).toEqual({ error: 'invalid_token', error_description: 'The token expired' });
    expect(JSON.parse(JSON.stringify(err))).toEqual(err.body);
  });

  it('a malformed request is a 400 invalid_request with a challenge', () => {
    const err = invalidRequest(AuthErrorCodes.MULTIPLE_CREDENTIALS, 'One only', 'api');
    expect(err.status).toBe(400);
    expect(err.headers['www-authenticate']).toContain('error="invalid_request"');
  });

  it('a missing scope is a 403 naming the required scopes', () => {
    const err = insufficientScope(['billing:write'], 'api');
    expect(err.status).toBe(403);
    expect(err.scope).toEqual(['billing:write']);
    expect(err.headers['www-authenticate']).toContain('scope="billing:write"');
  });

  it('infrastructure failures are 503 and programming errors 500, unexposed and unchallenged', () => {
    const cause = new Error('db password is hunter2');
    const down = unavailable(AuthErrorCodes.LOOKUP_FAILED, cause);
    expect(down.status).toBe(503);
    expect(down.expose).toBe(false);
    expect(down.cause).toBe(cause);
    expect(down.message).not.toContain('hunter2');
    expect(down.headers).toEqual({ 'retry-after': '5' });
    const bug = serverError(AuthErrorCodes.INTERNAL);
    expect(bug.status).toBe(500);
    expect(bug.headers).toEqual({});
    expect(bug.statusCode).toBe(500);
  });

  it('is recognised by shape, across copies of core', () => {
    const copy = { ...invalidToken(AuthErrorCodes.JWT_EXPIRED, 'x'), name: 'AuthError' };
    expect(isAuthError(copy)).toBe(true);
    expect(isAuthError(new Error('x'))).toBe(false);
    expect(
      isAuthError({ name: 'AuthError', status: 401, code: 'nope', error: 'x', headers: {} }),
    ).toBe(false);
    expect(isAuthError(null)).toBe(false);
    expect(
      isAuthError(
        new AuthError({
          status: 401,
          error: 'invalid_token',
          code: 'ERR_JWT_EXPIRED',
          description: 'x',
        }),
      ),
    ).toBe(true);
  });
});
