import { describe, expect, it } from 'vitest';
import { fromFetchHeaders, fromNodeHeaders, fromNodeRequest, headerValues } from './request.js';

describe('fromNodeRequest', () => {
  const view = fromNodeRequest({
    rawHeaders: [
      'Host',
      'api.test',
      'Authorization',
      'Bearer a.b.c',
      'X-Api-Key',
      'pcs_1',
      'AUTHORIZATION',
      'Bearer d.e.f',
      'Cookie',
      'a=1',
    ],
  });

  it('finds a header by its lower-case name, whatever case it was sent in', () => {
    expect(view.header('x-api-key')).toBe('pcs_1');
    expect(view.header('cookie')).toBe('a=1');
  });

  it('returns every value of a repeated header, in order', () => {
    expect(view.header('authorization')).toEqual(['Bearer a.b.c', 'Bearer d.e.f']);
  });

  it('answers undefined for an absent header', () => {
    expect(view.header('x-other')).toBeUndefined();
    expect(headerValues(view, 'x-other')).toEqual([]);
  });
});

describe('fromNodeHeaders and fromFetchHeaders', () => {
  it('read headersDistinct and Fetch Headers', () => {
    expect(fromNodeHeaders({ authorization: ['a', 'b'] }).header('authorization')).toEqual([
      'a',
      'b',
    ]);
    const headers = new Headers();
    headers.append('Authorization', 'Bearer x');
    expect(fromFetchHeaders(headers).header('authorization')).toBe('Bearer x');
    expect(fromFetchHeaders(headers).header('x-api-key')).toBeNull();
  });
});
