import * as impl from '#crypto';
import { type AuthError, isAuthError } from './auth-error.js';
import { AuthErrorCodes } from './error-codes.js';
import { invalidToken, noCredentials, serverError } from './errors.js';
import {
  checkBearerGrammar,
  type ExtractConfig,
  type Extracted,
  findCredential,
} from './extract.js';
import { unknownIssuer } from './jwt/errors.js';
import { issuerRouter } from './jwt/issuer-router.js';
import { type Emit, eventSink, linkAudit } from './lib/audit.js';
import { type Awaitable, isPromiseLike } from './lib/awaitable.js';
import { detailOf } from './lib/detail.js';
import { anonymousEvent, failureEvent, successEvent } from './lib/events.js';
import { checkOptions } from './lib/options.js';
import { authenticateFrom, awaitableVerifyOf } from './lib/sync.js';
import { methodTakes } from './lib/takes.js';
import { checkHttpsUrl } from './lib/url.js';
import { headerValues, type RequestView } from './request.js';
import { linkPolicy, scopeRule, withResourceMetadata } from './resource/policy.js';
import type {
  Authenticator,
  AuthenticatorOptions,
  Method,
  Principal,
  VerifyContext,
} from './types.js';

const AUTHENTICATOR_OPTIONS = [
  'methods',
  'realm',
  'onEvent',
  'now',
  'resourceMetadata',
  'scopeHierarchy',
];
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
      typeof m.recognizes !== 'function'
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
  if (options.resourceMetadata !== undefined) {
    checkHttpsUrl('createAuthenticator(): `resourceMetadata`', options.resourceMetadata);
  }
  const { scopeHierarchy } = options;
  if (
    scopeHierarchy !== undefined &&
    typeof scopeHierarchy !== 'function' &&
    (typeof scopeHierarchy !== 'string' || !/^[:./]$/.test(scopeHierarchy))
  ) {
    throw new TypeError(
      "createAuthenticator(): `scopeHierarchy` must be ':', '.', '/' or a function (granted, required) => boolean",
    );
  }
}

// Where the methods' credentials may be, besides Authorization: their headers and cookies.
function extractConfig(methods: readonly Method[]): ExtractConfig {
  return {
    headers: [...new Set(methods.flatMap((m) => m.headers.map((h) => h.toLowerCase())))],
    cookies: [...new Set(methods.flatMap((m) => m.cookies))],
  };
}

// The method a found credential goes to: the first that recognizes it where it was found. A header
// names its method even when the value's form is wrong: that method then refuses it.
function chooseMethod(methods: readonly Method[], found: Extracted): Method | undefined {
  const { source, value } = found;
  const chosen = methods.find((m) => methodTakes(m, value, source));
  if (chosen !== undefined) return chosen;
  return source.kind === 'header'
    ? methods.find((m) => m.headers.includes(source.name))
    : undefined;
}

// Report a failure to the audit trail, when there is one, and throw it.
function emitAndThrow(emit: Emit | undefined, err: AuthError, method: Method | undefined): never {
  emit?.(failureEvent(err, method?.type, detailOf(err)));
  throw err;
}

// The awaitable face only of the very `verify()` apiKey() or jwt() made: a method whose `verify`
// was wrapped or replaced is called as written (see lib/sync.ts), and may return any thenable.
function verifyWith(
  method: Method,
  value: string,
  context: VerifyContext,
): Awaitable<Principal> | PromiseLike<Principal> {
  const verify = method.verify;
  const awaitable = awaitableVerifyOf(verify);
  return awaitable === undefined ? verify.call(method, value, context) : awaitable(value, context);
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
  const clock = options.now ?? Date.now;
  const emit = eventSink(options.onEvent, clock);
  const context: VerifyContext = { now: clock, realm };
  // A method that checks DPoP proofs sees each Authorization request's scheme, proofs and target.
  const senderChecks = methods.some((m) => (m as { dpop?: unknown }).dpop === true);
  const config = extractConfig(methods);
  // Two or more jwt() methods: each token goes to the one of its issuer (jwt/issuer-router.ts).
  const router = issuerRouter(methods, impl);

  function checkGrammar(token: string): void {
    try {
      checkBearerGrammar(token, realm);
    } catch (err) {
      emitAndThrow(emit, err as AuthError, undefined);
    }
  }

  function senderContext(request: RequestView, scheme: 'dpop' | undefined): VerifyContext {
    return {
      now: clock,
      realm,
      request: {
        scheme: scheme ?? 'bearer',
        proofs: headerValues(request, 'dpop'),
        method: request.method,
        url: request.url,
      },
    };
  }

  function succeeded(principal: Principal): Principal {
    emit?.(successEvent(principal));
    return principal;
  }

  // `authenticate()`, answering directly when no step has to wait (see lib/sync.ts): a principal,
  // `null`, or a thrown AuthError; a native promise otherwise.
  function attempt(
    request: RequestView,
    opts?: { optional?: boolean },
  ): Awaitable<Principal | null> {
    let found: Extracted | undefined;
    try {
      found = findCredential(request, config, realm);
    } catch (err) {
      emitAndThrow(emit, err as AuthError, undefined);
    }
    if (found === undefined) {
      if (opts?.optional !== true) emitAndThrow(emit, noCredentials(realm), undefined);
      emit?.(anonymousEvent());
      return null;
    }
    let method = chooseMethod(methods, found);
    let value = found.value;
    // A bearer token's grammar is checked before any answer but a success from a method whose
    // accepted values all fit it: the answer is then the same as checking it first.
    const pending = found.source.kind === 'authorization';
    if (router !== undefined && method?.issuers !== undefined) {
      const routed = router.route(value, found.source, method);
      if (routed === undefined) {
        if (pending) checkGrammar(value);
        return emitAndThrow(emit, unknownIssuer(realm), method);
      }
      ({ method, token: value } = routed);
    }
    if (pending && method?.tokenSafe !== true) checkGrammar(value);
    if (method === undefined) {
      const err = invalidToken(AuthErrorCodes.UNSUPPORTED_CREDENTIAL, NOT_OURS, realm);
      return emitAndThrow(emit, err, undefined);
    }
    const failed = (err: unknown): never => {
      if (pending) checkGrammar(value);
      const known = isAuthError(err) ? err : serverError(AuthErrorCodes.INTERNAL, err);
      return emitAndThrow(emit, known, method);
    };
    const source = found.source;
    const ctx =
      source.kind === 'authorization' && (senderChecks || source.scheme === 'dpop')
        ? senderContext(request, source.scheme)
        : context;
    let result: Awaitable<Principal> | PromiseLike<Principal>;
    try {
      result = verifyWith(method, value, ctx);
    } catch (err) {
      return failed(err);
    }
    return isPromiseLike(result)
      ? Promise.resolve(result).then(succeeded, failed)
      : succeeded(result);
  }

  // With `resourceMetadata`, every challenge names it (RFC 9728 §5.1) and is exposed to CORS.
  const { resourceMetadata } = options;
  const decorate = (err: unknown): never => {
    throw isAuthError(err) && resourceMetadata !== undefined
      ? withResourceMetadata(err, realm, resourceMetadata)
      : err;
  };
  const run =
    resourceMetadata === undefined
      ? attempt
      : (request: RequestView, opts?: { optional?: boolean }) => {
          try {
            const result = attempt(request, opts);
            return isPromiseLike(result) ? result.then(undefined, decorate) : result;
          } catch (err) {
            return decorate(err);
          }
        };

  // The scope guards find the emitter and the policy through the authenticator.
  const authenticator = linkAudit<Authenticator>(
    { realm, authenticate: authenticateFrom(run) },
    emit,
  );
  if (resourceMetadata !== undefined) {
    Object.defineProperty(authenticator, 'resourceMetadata', {
      value: resourceMetadata,
      enumerable: true,
    });
  }
  const hierarchy = options.scopeHierarchy;
  const audiences = methods.flatMap((m) => {
    const list = (m as { audiences?: unknown }).audiences;
    return m.type === 'jwt' && Array.isArray(list) ? [list as readonly string[]] : [];
  });
  return linkPolicy(authenticator, {
    resourceMetadata,
    implies: hierarchy === undefined ? undefined : scopeRule(hierarchy),
    audiences,
  });
}
