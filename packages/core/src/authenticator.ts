import {
  type AuthError,
  AuthErrorCodes,
  invalidToken,
  isAuthError,
  noCredentials,
  serverError,
} from './errors.js';
import { checkBearerGrammar, type Extracted, findCredential } from './extract.js';
import { eventSink, identityOf, linkAudit } from './lib/audit.js';
import { detailOf } from './lib/detail.js';
import { checkOptions } from './lib/options.js';
import { authenticateFrom, type Now, verifyNowOf } from './lib/sync.js';
import type { RequestView } from './request.js';
import type { AuthEvent, Authenticator, Method, Principal, VerifyContext } from './types.js';

/** Options of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  /** The verifiers to accept, from `apiKey()` and `jwt()`. At least one. */
  methods: readonly Method[];
  /** The realm in every `WWW-Authenticate` challenge. Default `'api'`. */
  realm?: string;
  /**
   * Called once for every attempt, success or failure, and once more for each 403 of a scope
   * guard (`outcome: 'denied'`), for an audit trail. It never receives a token, key, hash or
   * secret. It may be `async`. A hook that throws, or whose promise rejects, changes no answer and
   * crashes nothing; the first such failure of each authenticator is reported once, through
   * `process.emitWarning()` (type `PortcullisWarning`, code `PORTCULLIS_ON_EVENT_FAILED`) where the
   * runtime has it, else `console.warn()`, naming the error's `name` only: its message may quote
   * the event. Make the hook reliable yourself (a queue, a retry) if events must not be lost.
   */
  onEvent?: (event: AuthEvent) => void;
  /** The clock, in epoch milliseconds. Default `Date.now`; inject a frozen one in tests. */
  now?: () => number;
}

const AUTHENTICATOR_OPTIONS = ['methods', 'realm', 'onEvent', 'now'];
const REALM = /^[\x20-\x7e]{1,256}$/;
const NOT_OURS = 'The credential is not in a form this API accepts';

function validate(options: AuthenticatorOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createAuthenticator() needs an options object');
  }
  checkOptions('createAuthenticator()', options, AUTHENTICATOR_OPTIONS);
  const { methods, realm, onEvent, now } = options;
  if (!Array.isArray(methods) || methods.length === 0) {
    throw new TypeError(
      'createAuthenticator(): `methods` must be a non-empty array of apiKey() or jwt()',
    );
  }
  for (const m of methods) {
    if (
      typeof m !== 'object' ||
      m === null ||
      typeof m.verify !== 'function' ||
      typeof m.claims !== 'function'
    ) {
      throw new TypeError(
        'createAuthenticator(): every entry of `methods` must come from apiKey() or jwt()',
      );
    }
  }
  if (realm !== undefined && (typeof realm !== 'string' || !REALM.test(realm))) {
    throw new TypeError('createAuthenticator(): `realm` must be 1–256 printable ASCII characters');
  }
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new TypeError('createAuthenticator(): `onEvent` must be a function');
  }
  if (now !== undefined && typeof now !== 'function') {
    throw new TypeError(
      'createAuthenticator(): `now` must be a function returning epoch milliseconds',
    );
  }
}

/**
 * Combine verifiers into the authenticator the framework adapters call.
 *
 * @example
 * ```ts
 * import { apiKey, createAuthenticator, jwt } from '@portcullis/core';
 *
 * const authenticator = createAuthenticator({
 *   realm: 'billing-api',
 *   methods: [
 *     apiKey({ prefix: 'bill', lookup: (hash) => db.apiKeys.findByHash(hash) }),
 *     jwt({ algorithms: ['RS256'], issuer: 'https://id.example.com/', audience: 'billing',
 *           jwks: 'https://id.example.com/.well-known/jwks.json' }),
 *   ],
 *   onEvent: (event) => audit.write(event),
 * });
 * ```
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  validate(options);
  const methods = [...options.methods];
  const realm = options.realm ?? 'api';
  const now = options.now ?? Date.now;
  const emit = eventSink(options.onEvent, now);
  const context: VerifyContext = { now, realm };
  const config = {
    headers: [...new Set(methods.flatMap((m) => m.headers.map((h) => h.toLowerCase())))],
    cookies: [...new Set(methods.flatMap((m) => m.cookies))],
  };

  function fail(err: AuthError, method: Method | undefined): never {
    if (emit === undefined) throw err;
    const detail = detailOf(err);
    const event: Omit<AuthEvent, 'time'> = {
      outcome: 'failure',
      code: err.code,
      status: err.status,
    };
    if (method !== undefined) event.method = method.type;
    if (detail?.reason !== undefined) event.reason = detail.reason;
    if (detail?.keyId !== undefined) event.keyId = detail.keyId;
    if (detail?.jti !== undefined) event.jti = detail.jti;
    emit(event);
    throw err;
  }

  function checkGrammar(token: string): void {
    try {
      checkBearerGrammar(token, realm);
    } catch (err) {
      fail(err as AuthError, undefined);
    }
  }

  function choose(found: Extracted): Method | undefined {
    for (const m of methods) {
      if (found.source.kind === 'header' && !m.headers.includes(found.source.name)) continue;
      if (found.source.kind === 'cookie' && !m.cookies.includes(found.source.name)) continue;
      if (m.claims(found.value, found.source)) return m;
    }
    // A header names its method even when the value's form is wrong: let that method refuse it.
    if (found.source.kind === 'header') {
      const name = found.source.name;
      return methods.find((m) => m.headers.includes(name));
    }
    return undefined;
  }

  function succeeded(principal: Principal): Principal {
    if (emit === undefined) return principal;
    emit({ outcome: 'success', ...identityOf(principal), code: 'OK', status: 200 });
    return principal;
  }

  // `authenticate()`, answering directly when no step has to wait (see lib/sync.ts): a principal,
  // `null`, or a thrown AuthError; a native promise otherwise.
  function attempt(request: RequestView, opts?: { optional?: boolean }): Now<Principal | null> {
    let found: Extracted | undefined;
    try {
      found = findCredential(request, config, realm);
    } catch (err) {
      fail(err as AuthError, undefined);
    }
    if (found === undefined) {
      if (opts?.optional === true) {
        emit?.({ outcome: 'anonymous', code: AuthErrorCodes.NO_CREDENTIALS, status: 200 });
        return null;
      }
      fail(noCredentials(realm), undefined);
    }
    const method = choose(found);
    // A bearer token's grammar is checked before any answer but a success from a method whose
    // accepted values all fit it: the answer is then the same as checking it first.
    const pending = found.source.kind === 'authorization';
    if (pending && method?.tokenSafe !== true) checkGrammar(found.value);
    if (method === undefined) {
      fail(invalidToken(AuthErrorCodes.UNSUPPORTED_CREDENTIAL, NOT_OURS, realm), undefined);
    }
    const value = found.value;
    const failed = (err: unknown): never => {
      if (pending) checkGrammar(value);
      return fail(isAuthError(err) ? err : serverError(AuthErrorCodes.INTERNAL, err), method);
    };
    let result: Now<Principal>;
    try {
      // The synchronous face only of the very `verify()` apiKey() or jwt() made: a method whose
      // `verify` was wrapped or replaced is called as written (see lib/sync.ts).
      const verify = method.verify;
      const now = verifyNowOf(verify);
      result = now === undefined ? verify.call(method, value, context) : now(value, context);
    } catch (err) {
      return failed(err);
    }
    // A method's own `verify()` may return any thenable; its synchronous face a principal or a
    // native promise.
    return typeof (result as PromiseLike<Principal>).then === 'function'
      ? Promise.resolve(result).then(succeeded, failed)
      : succeeded(result as Principal);
  }

  // The scope guards find the emitter through the authenticator, to report their 403s.
  return linkAudit<Authenticator>({ realm, authenticate: authenticateFrom(attempt) }, emit);
}
