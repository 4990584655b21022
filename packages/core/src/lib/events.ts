// The audit events, built by small pure functions: what each outcome of an attempt reports to
// `onEvent` (before the emitter stamps its time). Never a token, key, hash or secret.
import type { AuthError } from '../auth-error.js';
import { AuthErrorCodes } from '../error-codes.js';
import type { AuthEvent, AuthMethodName, Principal } from '../types.js';
import type { FailureDetail } from './detail.js';

/**
 * An event before the emitter stamps its time.
 *
 * @example
 * ```ts
 * const event: EventInit = { outcome: 'anonymous', code: 'ERR_NO_CREDENTIALS', status: 200 };
 * ```
 */
export type EventInit = Omit<AuthEvent, 'time'>;

type Identity = Pick<
  EventInit,
  'method' | 'subject' | 'keyId' | 'jti' | 'tenant' | 'client' | 'actor'
>;

/**
 * The fields of an event that name who was verified: method, subject, key id, `jti`, tenant,
 * client, and the current actor's subject in a delegated token.
 *
 * @example
 * ```ts
 * emit({ outcome: 'success', ...identityOf(principal), code: 'OK', status: 200 });
 * ```
 */
export function identityOf(principal: Principal): Identity {
  const identity: Identity = { method: principal.method, subject: principal.subject };
  if (principal.keyId !== undefined) identity.keyId = principal.keyId;
  const jti = principal.claims?.jti;
  if (typeof jti === 'string' && jti !== '') identity.jti = jti;
  if (principal.tenant !== undefined) identity.tenant = principal.tenant;
  if (principal.client !== undefined) identity.client = principal.client;
  if (principal.actor !== undefined) identity.actor = principal.actor.subject;
  return identity;
}

/**
 * The event of an attempt that verified: who, with `code: 'OK'` and status 200.
 *
 * @example
 * ```ts
 * emit(successEvent(principal));
 * ```
 */
export function successEvent(principal: Principal): EventInit {
  return { outcome: 'success', ...identityOf(principal), code: 'OK', status: 200 };
}

/**
 * The event of an optional route's request with no credential.
 *
 * @example
 * ```ts
 * if (optional) emit(anonymousEvent());
 * ```
 */
export function anonymousEvent(): EventInit {
  return { outcome: 'anonymous', code: AuthErrorCodes.NO_CREDENTIALS, status: 200 };
}

/**
 * The event of a refused attempt: the error's code and status, the method that refused it (when
 * one was chosen), and the audit detail the verifier attached (reason, key id, `jti`).
 *
 * @example
 * ```ts
 * emit(failureEvent(err, method?.type, detailOf(err)));
 * ```
 */
export function failureEvent(
  err: AuthError,
  method: AuthMethodName | undefined,
  detail: FailureDetail | undefined,
): EventInit {
  const event: EventInit = { outcome: 'failure', code: err.code, status: err.status };
  if (method !== undefined) event.method = method;
  if (detail?.reason !== undefined) event.reason = detail.reason;
  if (detail?.keyId !== undefined) event.keyId = detail.keyId;
  if (detail?.jti !== undefined) event.jti = detail.jti;
  return event;
}

/**
 * The event of a scope guard's 403: who was refused, and the names of the scopes the route
 * requires (never a claim value).
 *
 * @example
 * ```ts
 * emit(deniedEvent(state.principal, ['billing:write']));
 * ```
 */
export function deniedEvent(principal: Principal, scopes: readonly string[]): EventInit {
  return {
    outcome: 'denied',
    ...identityOf(principal),
    scopes,
    code: AuthErrorCodes.INSUFFICIENT_SCOPE,
    status: 403,
  };
}

/**
 * The event of `requireActor()`'s 403: who was refused (with the current actor, when there is
 * one), and why: `not_delegated` (no actor) or `actor_not_allowed`.
 *
 * @example
 * ```ts
 * emit(actorDeniedEvent(state.principal));
 * ```
 */
export function actorDeniedEvent(principal: Principal): EventInit {
  return {
    outcome: 'denied',
    ...identityOf(principal),
    code: AuthErrorCodes.ACTOR_NOT_ALLOWED,
    reason: principal.actor === undefined ? 'not_delegated' : 'actor_not_allowed',
    status: 403,
  };
}
