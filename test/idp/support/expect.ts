// Assertions on the API's answers: status, the RFC 6750 challenge and body, and the audit code.
import type { AuthErrorCodes } from '@portcullis/core';
import { expect } from 'vitest';
import type { Answer, Seen } from './apps.js';

const describe = (a: Answer) => `${a.status} ${a.code} ${a.challenge} ${JSON.stringify(a.body)}`;

/**
 * Assert a 200 and return what the route saw of the principal.
 *
 * @example
 * ```ts
 * expect(expectOk(await api.get('/me', token)).subject).toBe('svc-rs256');
 * ```
 */
export function expectOk(answer: Answer): Seen {
  expect(answer.status, describe(answer)).toBe(200);
  expect(answer.code, describe(answer)).toBe('OK');
  return answer.seen!;
}

type Code = (typeof AuthErrorCodes)[keyof typeof AuthErrorCodes];

/**
 * Assert a refusal: its status, audit code (one of `code`, when several are right), and the challenge and body RFC 6750 asks for.
 *
 * @example
 * ```ts
 * expectRefused(await api.get('/me', token), 401, AuthErrorCodes.JWT_EXPIRED);
 * ```
 */
export function expectRefused(
  answer: Answer,
  status: 401 | 403 | 503,
  code: Code | readonly Code[],
): void {
  const context = describe(answer);
  expect(answer.status, context).toBe(status);
  expect(typeof code === 'string' ? [code] : code, context).toContain(answer.code);
  if (status === 503) {
    expect(answer.body['error'], context).toBe('temporarily_unavailable');
    return;
  }
  const word = status === 401 ? 'invalid_token' : 'insufficient_scope';
  expect(answer.challenge, context).toMatch(/^Bearer realm="[^"]+"/);
  expect(answer.challenge, context).toContain(`error="${word}"`);
  expect(answer.body['error'], context).toBe(word);
}
