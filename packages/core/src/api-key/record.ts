import { deepFreeze } from '../lib/deep-freeze.js';
import type { ApiKeyRecord } from './types.js';

// A copy through JSON: plain data only (a Date becomes its ISO string, a function disappears), so
// the caller's object cannot change a cached record, and frozen all the way down.
function copyFrozen(value: Record<string, unknown>): Readonly<Record<string, unknown>> {
  let copy: Record<string, unknown>;
  try {
    copy = JSON.parse(JSON.stringify(value));
  } catch {
    throw new InvalidRecordError('lookup() returned a record whose `metadata` is not plain data');
  }
  deepFreeze(copy);
  return copy;
}

/**
 * A validated copy of an {@link ApiKeyRecord}: instants in epoch ms, scopes frozen.
 *
 * @example
 * ```ts
 * const record: KeyRecord = toKeyRecord(await lookup(hash));
 * ```
 */
export interface KeyRecord {
  readonly id: string;
  readonly subject: string;
  readonly scopes: readonly string[];
  readonly tenant: string | undefined;
  readonly expiresAt: number | undefined;
  readonly revokedAt: number | undefined;
  readonly metadata: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Thrown by {@link toKeyRecord}; names the field, never its value.
 *
 * @example
 * ```ts
 * if (err instanceof InvalidRecordError) return { kind: 'invalid', cause: err };
 * ```
 */
export class InvalidRecordError extends Error {
  override readonly name = 'InvalidRecordError';
}

// 1e11 epoch seconds is the year 5138; 1e11 epoch milliseconds is 1973.
const MILLISECONDS_BY_MISTAKE = 1e11;

function instant(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isFinite(ms)) return ms;
  } else if (typeof value === 'number' && Number.isFinite(value)) {
    // Epoch seconds. A number this large is milliseconds by mistake, which would make a key
    // that should expire never expire: refuse the record rather than guess.
    if (Math.abs(value) < MILLISECONDS_BY_MISTAKE) return value * 1000;
    throw new InvalidRecordError(
      `lookup() returned a record whose \`${field}\` looks like epoch milliseconds; give epoch seconds or a Date`,
    );
  }
  throw new InvalidRecordError(
    `lookup() returned a record whose \`${field}\` is not a valid Date, epoch seconds or null`,
  );
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidRecordError(
      `lookup() returned a record whose \`${field}\` is not a non-empty string`,
    );
  }
  return value;
}

/**
 * Check what `lookup` returned and copy it, so later changes to the caller's object cannot change
 * a cached record. Throws {@link InvalidRecordError} (a programming error: answer 500).
 *
 * @example
 * ```ts
 * const record = toKeyRecord(await lookup(hash));
 * ```
 */
export function toKeyRecord(value: unknown): KeyRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRecordError('lookup() returned neither a record nor null/undefined');
  }
  const raw = value as Record<string, unknown>;
  const id = nonEmptyString(raw['id'], 'id');
  const subject = nonEmptyString(raw['subject'], 'subject');
  const scopes = raw['scopes'];
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) {
    throw new InvalidRecordError('lookup() returned a record whose `scopes` is not a string array');
  }
  const tenant = raw['tenant'];
  if (tenant !== undefined && tenant !== null && typeof tenant !== 'string') {
    throw new InvalidRecordError('lookup() returned a record whose `tenant` is not a string');
  }
  const metadata = raw['metadata'];
  if (
    metadata !== undefined &&
    metadata !== null &&
    (typeof metadata !== 'object' || Array.isArray(metadata))
  ) {
    throw new InvalidRecordError('lookup() returned a record whose `metadata` is not an object');
  }
  return Object.freeze({
    id,
    subject,
    scopes: Object.freeze([...scopes] as string[]),
    tenant: tenant ?? undefined,
    expiresAt: instant(raw['expiresAt'], 'expiresAt'),
    revokedAt: instant(raw['revokedAt'], 'revokedAt'),
    metadata: metadata == null ? undefined : copyFrozen(metadata as Record<string, unknown>),
  });
}
