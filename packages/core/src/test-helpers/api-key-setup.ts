import { vi } from 'vitest';
import { apiKey } from '../api-key/api-key.js';
import { generateApiKey } from '../api-key/generate.js';
import type { ApiKeyOptions, ApiKeyRecord, LookupResult } from '../api-key/types.js';
import type { VerifyContext } from '../types.js';

/** The frozen start of the API key suites' clock. */
export const T0 = Date.UTC(2030, 0, 1);

/**
 * An `apiKey({ prefix: 'pcs' })` over an in-memory store with a spied `lookup`, a clock that
 * starts at {@link T0} and moves only by `advance(ms)`, and `issue(record)` to add a key.
 */
export function setupApiKey(options: Partial<ApiKeyOptions> = {}) {
  const records = new Map<string, ApiKeyRecord>();
  const lookup = vi.fn(
    (hash: string): Promise<LookupResult> | LookupResult => records.get(hash) ?? null,
  );
  const method = apiKey({ prefix: 'pcs', lookup, ...options });
  let time = T0;
  const ctx: VerifyContext = { now: () => time, realm: 'test' };
  const advance = (ms: number) => {
    time += ms;
  };
  function issue(record: Partial<ApiKeyRecord> = {}) {
    const { key, hash } = generateApiKey({ prefix: 'pcs' });
    records.set(hash, {
      id: `key_${records.size + 1}`,
      subject: 'svc',
      scopes: ['read'],
      ...record,
    });
    return { key, hash };
  }
  return { method, lookup, records, ctx, advance, issue };
}
