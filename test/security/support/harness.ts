import {
  type AuthEvent,
  type Authenticator,
  createAuthenticator,
  type Method,
} from '@portcullis/core';
import { expect } from 'vitest';
import { type AdapterName, type Answer, buildApp, type HeaderPairs } from './apps.js';
import { observe, secret } from './collector.js';

// Credentials this long cannot appear in an answer by chance; shorter fuzz strings could.
const WATCH_LENGTH = 32;
const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key', 'cookie']);

/**
 * Watch a credential for leaks: the whole value and, for a JWT, its payload and signature.
 *
 * @example
 * ```ts
 * watchCredential(token);
 * ```
 */
export function watchCredential(value: string): void {
  const bare = value.replace(/^Bearer\s+/i, '');
  if (bare.length < WATCH_LENGTH) return;
  secret(bare);
  for (const part of bare.split('.').slice(1)) if (part.length >= WATCH_LENGTH) secret(part);
}

/** What a scenario sets up: the verifiers, and optionally a frozen clock and a realm. */
export interface ScenarioOptions {
  methods: Method[];
  now?: () => number;
  realm?: string;
  /**
   * Watch every credential sent for leaks (default `true`). Fuzz runs turn it off and watch
   * their seed credentials instead: thousands of watched mutants would make the check quadratic.
   */
  watchCredentials?: boolean;
}

/** An answer and the audit events emitted while it was made. */
export interface ObservedAnswer extends Answer {
  events: AuthEvent[];
  /** The `code` of the last event, when one was emitted. */
  code: string | undefined;
  /** The parsed JSON body, or `undefined`. */
  json: Record<string, unknown> | undefined;
}

/** A scenario app on one framework, fed into the leak collector. */
export interface Scenario {
  adapter: AdapterName;
  authenticator: Authenticator;
  /** Every event emitted so far. */
  events: AuthEvent[];
  get(path: string, headers?: HeaderPairs | Record<string, string>): Promise<ObservedAnswer>;
  /** `GET /private` with `Authorization: Bearer <token>`. */
  bearer(token: string, path?: string): Promise<ObservedAnswer>;
}

function parse(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Build one framework's scenario app over a fresh authenticator whose events, and every
 * response, go to the leak collector.
 *
 * @example
 * ```ts
 * const app = await scenario('express', { methods: [jwt({ ... })] });
 * expectRejected(await app.bearer(token), 401, ['ERR_JWT_ALG_NOT_ALLOWED']);
 * ```
 */
export async function scenario(adapter: AdapterName, options: ScenarioOptions): Promise<Scenario> {
  const events: AuthEvent[] = [];
  const authenticator = createAuthenticator({
    methods: options.methods,
    ...(options.realm === undefined ? {} : { realm: options.realm }),
    ...(options.now === undefined ? {} : { now: options.now }),
    onEvent: (event) => {
      events.push(event);
      observe('event', event);
    },
  });
  const app = await buildApp(adapter, authenticator);
  async function get(path: string, headers?: HeaderPairs | Record<string, string>) {
    const pairs =
      headers === undefined ? [] : Array.isArray(headers) ? headers : Object.entries(headers);
    if (options.watchCredentials !== false) {
      for (const [name, value] of pairs) {
        if (CREDENTIAL_HEADERS.has(name.toLowerCase())) watchCredential(value);
      }
    }
    const before = events.length;
    const answer = await app.get(path, headers);
    observe('response', { status: answer.status, headers: answer.headers, body: answer.body });
    const mine = events.slice(before);
    return { ...answer, events: mine, code: mine.at(-1)?.code, json: parse(answer.body) };
  }
  return {
    adapter,
    authenticator,
    events,
    get,
    bearer: (token, path = '/private') => get(path, { authorization: `Bearer ${token}` }),
  };
}

function describeAnswer(answer: ObservedAnswer): string {
  const last = answer.events.slice(-2);
  return `${answer.status} ${answer.body.slice(0, 300)} events(last ${last.length} of ${answer.events.length})=${JSON.stringify(last)}`;
}

/**
 * Assert an RFC 6750 rejection: the status, a `WWW-Authenticate: Bearer` challenge with the
 * right error word, the JSON body, nothing escaped the adapter, and (when given) that the audit
 * event's code is one of `codes`.
 *
 * @example
 * ```ts
 * expectRejected(answer, 401, ['ERR_JWT_EXPIRED']);
 * ```
 */
export function expectRejected(
  answer: ObservedAnswer,
  status: 400 | 401 | 403 | 500 | 503 | readonly number[],
  codes?: readonly string[],
): void {
  const context = describeAnswer(answer);
  const statuses = typeof status === 'number' ? [status] : status;
  expect(statuses, context).toContain(answer.status);
  expect(answer.headers['x-escaped'], `an error escaped the adapter: ${context}`).toBeUndefined();
  const word = answer.json?.['error'];
  if (answer.status >= 400 && answer.status < 500) {
    const challenge = answer.headers['www-authenticate'] ?? '';
    expect(challenge, context).toMatch(/^Bearer\b/);
    if (answer.code !== 'ERR_NO_CREDENTIALS') {
      const expected =
        answer.status === 400
          ? 'invalid_request'
          : answer.status === 401
            ? 'invalid_token'
            : 'insufficient_scope';
      expect(challenge, context).toContain(`error="${expected}"`);
      expect(word, context).toBe(expected);
    }
    // A 403 names what the route requires; authentication itself succeeded, so no failure event.
    if (answer.status === 403) expect(challenge, context).toMatch(/scope="[^"]+"/);
  } else if (answer.status === 503) {
    expect(word, context).toBe('temporarily_unavailable');
  } else if (answer.status === 500) {
    expect(word, context).toBe('server_error');
  }
  if (codes !== undefined) expect(codes, context).toContain(answer.code);
}

/**
 * Assert a success: 200, and the principal the route echoed.
 *
 * @example
 * ```ts
 * expectAccepted(await app.bearer(token));
 * ```
 */
export function expectAccepted(answer: ObservedAnswer): Record<string, unknown> {
  const context = describeAnswer(answer);
  expect(answer.status, context).toBe(200);
  expect(answer.json?.['ok'], context).toBe(true);
  return answer.json!;
}
