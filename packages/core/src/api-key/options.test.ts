import { describe, expect, it } from 'vitest';
import { apiKey } from './api-key.js';
import type { ApiKeyOptions } from './types.js';

const lookup = () => null;

describe('apiKey() options', () => {
  it.each<[string, unknown]>([
    ['no options', undefined],
    ['null options', null],
    ['no lookup', {}],
    ['a lookup that is not a function', { lookup: 'db' }],
    ['an empty prefix', { lookup, prefix: '' }],
    ['a prefix ending in _', { lookup, prefix: 'pcs_' }],
    ['a prefix starting with a digit', { lookup, prefix: '1pcs' }],
    ['a prefix with a dash', { lookup, prefix: 'pc-s' }],
    ['a 33-character prefix', { lookup, prefix: 'p'.repeat(33) }],
    ['a header with a space', { lookup, header: 'x api key' }],
    ['an empty header', { lookup, header: '' }],
    ['a header with a colon', { lookup, header: 'x-api-key:' }],
    ['header authorization', { lookup, header: 'Authorization' }],
    ['header cookie', { lookup, header: 'cookie' }],
    ['a non-string header', { lookup, header: 42 }],
    ['bearer: true without prefix', { lookup, bearer: true }],
    ['a non-boolean bearer', { lookup, prefix: 'pcs', bearer: 'yes' }],
    ['a non-boolean checksum', { lookup, checksum: 0 }],
    ['lookupTimeout 0', { lookup, lookupTimeout: 0 }],
    ['a negative lookupTimeout', { lookup, lookupTimeout: -1 }],
    ['lookupTimeout Infinity', { lookup, lookupTimeout: Number.POSITIVE_INFINITY }],
    ['lookupTimeout NaN', { lookup, lookupTimeout: Number.NaN }],
    ['lookupTimeout over 60 s', { lookup, lookupTimeout: 60_001 }],
    ['a string lookupTimeout', { lookup, lookupTimeout: '5000' }],
    ['cache: true', { lookup, cache: true }],
    ['cache: null', { lookup, cache: null }],
    ['a fractional cache.max', { lookup, cache: { max: 1.5 } }],
    ['a negative cache.max', { lookup, cache: { max: -1 } }],
    ['a string cache.ttl', { lookup, cache: { ttl: '30s' } }],
    ['cache.ttl NaN', { lookup, cache: { ttl: Number.NaN } }],
    ['cache.negativeTtl Infinity', { lookup, cache: { negativeTtl: Number.POSITIVE_INFINITY } }],
    ['a negative cache.negativeMax', { lookup, cache: { negativeMax: -5 } }],
  ])('throws a TypeError for %s', (_, options) => {
    expect(() => apiKey(options as ApiKeyOptions)).toThrow(TypeError);
  });

  it('says what to fix', () => {
    expect(() => apiKey({ lookup, bearer: true })).toThrow(/prefix/);
    expect(() => apiKey({ lookup, lookupTimeout: 0 })).toThrow(/lookupTimeout/);
    expect(() => apiKey({ lookup, cache: { max: -1 } })).toThrow(/cache\.max/);
  });

  it.each<ApiKeyOptions>([
    { lookup },
    { lookup: async () => null, prefix: 'pcs_live', header: 'X-Key', bearer: false },
    { lookup, prefix: 'pcs', bearer: true, checksum: false, lookupTimeout: 60_000 },
    { lookup, cache: false },
    { lookup, cache: { max: 0, ttl: 0, negativeMax: 0, negativeTtl: 0 } },
    { lookup, cache: { max: 1, ttl: 1000, negativeMax: 5, negativeTtl: 10 } },
  ])('accepts valid options %#', (options) => {
    expect(apiKey(options).type).toBe('api_key');
  });
});

describe('the method apiKey() returns', () => {
  it('reads x-api-key by default and no cookie', () => {
    const m = apiKey({ lookup });
    expect(m.headers).toEqual(['x-api-key']);
    expect(m.cookies).toEqual([]);
  });

  it('lower-cases a custom header', () => {
    expect(apiKey({ lookup, header: 'X-Service-Key' }).headers).toEqual(['x-service-key']);
  });

  it('claims Authorization values by prefix only', () => {
    const auth = { kind: 'authorization' } as const;
    expect(apiKey({ lookup, prefix: 'pcs' }).recognizes('pcs_abc', auth)).toBe(true);
    expect(apiKey({ lookup, prefix: 'pcs' }).recognizes('pcsx_abc', auth)).toBe(false);
    expect(apiKey({ lookup, prefix: 'pcs' }).recognizes('eyJ.a.b', auth)).toBe(false);
    expect(apiKey({ lookup, prefix: 'pcs', bearer: false }).recognizes('pcs_abc', auth)).toBe(
      false,
    );
    expect(apiKey({ lookup }).recognizes('pcs_abc', auth)).toBe(false);
  });

  it('claims header values with its prefix, or any without one', () => {
    const header = { kind: 'header', name: 'x-api-key' } as const;
    expect(apiKey({ lookup, prefix: 'pcs' }).recognizes('pcs_abc', header)).toBe(true);
    expect(apiKey({ lookup, prefix: 'pcs' }).recognizes('other_abc', header)).toBe(false);
    expect(apiKey({ lookup }).recognizes('anything', header)).toBe(true);
    expect(apiKey({ lookup }).recognizes('anything', { kind: 'cookie', name: 'k' })).toBe(false);
  });
});
