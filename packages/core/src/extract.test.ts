import { describe, expect, it } from 'vitest';
import { isAuthError } from './auth-error.js';
import { extractCredential } from './extract.js';
import type { RequestView } from './request.js';

const config = { headers: ['x-api-key'], cookies: ['session'] };
const view = (headers: Record<string, string | string[]>): RequestView => ({
  header: (name) => headers[name],
});
const extract = (headers: Record<string, string | string[]>) =>
  extractCredential(view(headers), config, 'api');

function refusal(headers: Record<string, string | string[]>) {
  try {
    extract(headers);
  } catch (err) {
    if (isAuthError(err)) return { status: err.status, code: err.code };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('extractCredential', () => {
  it('finds nothing in a request without credentials', () => {
    expect(extract({})).toBeUndefined();
  });

  it('reads a Bearer token with a case-insensitive scheme', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      expect(extract({ authorization: `${scheme} abc.def.ghi` })).toEqual({
        value: 'abc.def.ghi',
        source: { kind: 'authorization' },
      });
    }
  });

  it('accepts the whole RFC 6750 b64token alphabet and trailing "="', () => {
    expect(extract({ authorization: 'Bearer aZ09-._~+/==' })?.value).toBe('aZ09-._~+/==');
  });

  it('treats another scheme as no bearer credential', () => {
    expect(extract({ authorization: 'Basic dXNlcjpwYXNz' })).toBeUndefined();
  });

  it('refuses malformed Bearer values with 400', () => {
    for (const authorization of [
      'Bearer',
      'Bearer ',
      'Bearer a b',
      'Bearer a,b',
      'Bearer =abc',
      'Bearer a"b',
      'Bearer tok\u00e9n',
      'Bearer, Bearer x',
      '',
    ]) {
      expect(refusal({ authorization }), authorization).toEqual({
        status: 400,
        code: 'ERR_MALFORMED_REQUEST',
      });
    }
  });

  it('refuses two Authorization headers even when both are valid', () => {
    expect(refusal({ authorization: ['Bearer a.b.c', 'Bearer a.b.c'] })).toEqual({
      status: 400,
      code: 'ERR_MULTIPLE_CREDENTIALS',
    });
  });

  it('refuses two values joined by a Fetch Headers object', () => {
    expect(refusal({ authorization: 'Bearer a.b.c, Bearer d.e.f' }).status).toBe(400);
  });

  it('reads the API-key header', () => {
    expect(extract({ 'x-api-key': 'pcs_abc' })).toEqual({
      value: 'pcs_abc',
      source: { kind: 'header', name: 'x-api-key' },
    });
  });

  it('refuses an empty, spaced or non-ASCII API-key header with 400', () => {
    for (const key of ['', ' ', 'a b', 'k\u00e9y', 'a\tb']) {
      expect(refusal({ 'x-api-key': key }).code, JSON.stringify(key)).toBe('ERR_MALFORMED_REQUEST');
    }
  });

  it('refuses two credentials of different kinds', () => {
    expect(refusal({ authorization: 'Bearer a.b.c', 'x-api-key': 'pcs_abc' }).code).toBe(
      'ERR_MULTIPLE_CREDENTIALS',
    );
    expect(refusal({ 'x-api-key': ['pcs_a', 'pcs_b'] }).code).toBe('ERR_MULTIPLE_CREDENTIALS');
    expect(refusal({ authorization: 'Bearer a.b.c', cookie: 'session=x.y.z' }).code).toBe(
      'ERR_MULTIPLE_CREDENTIALS',
    );
  });

  it('still uses the API-key header when Authorization carries another scheme', () => {
    expect(extract({ authorization: 'Basic dXNlcg==', 'x-api-key': 'pcs_abc' })?.value).toBe(
      'pcs_abc',
    );
  });

  it('reads a configured cookie, quoted or not, and ignores others', () => {
    expect(extract({ cookie: 'theme=dark; session=a.b.c' })).toEqual({
      value: 'a.b.c',
      source: { kind: 'cookie', name: 'session' },
    });
    expect(extract({ cookie: 'session="a.b.c"' })?.value).toBe('a.b.c');
    expect(extract({ cookie: 'other=a.b.c' })).toBeUndefined();
    expect(refusal({ cookie: 'session=a.b.c; session=d.e.f' }).code).toBe(
      'ERR_MULTIPLE_CREDENTIALS',
    );
    expect(refusal({ cookie: 'session=a%20b' }).code).toBe('ERR_MALFORMED_REQUEST');
  });

  it('never reads the URL', () => {
    const request: RequestView = {
      header: (name) => (name === ':path' ? '/x?access_token=a.b.c' : undefined),
    };
    expect(extractCredential(request, config, 'api')).toBeUndefined();
  });

  it('puts the realm in the challenge of its refusals', () => {
    try {
      extractCredential(view({ authorization: 'Bearer' }), config, 'my realm');
      expect.unreachable();
    } catch (err) {
      expect((err as { headers: Record<string, string> }).headers['www-authenticate']).toMatch(
        /^Bearer realm="my realm", error="invalid_request"/,
      );
    }
  });
});
