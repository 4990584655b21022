// The audit trail's plumbing: an `onEvent` call that no hook can turn into a different answer or a
// crash, and the link from an authenticator to it that lets a scope guard report its 403.
import type { AuthEvent, Authenticator, Principal } from '../types.js';
import { isPromiseLike } from './awaitable.js';
import { deniedEvent, type EventInit } from './events.js';
import { portcullisWarning } from './warning.js';

/**
 * Hands one event to the user's `onEvent`; never throws, never leaves a rejection unhandled.
 *
 * @example
 * ```ts
 * const emit: Emit | undefined = eventSink(options.onEvent, now);
 * ```
 */
export type Emit = (event: EventInit) => void;

// An error's name is shown when it looks like one (`TypeError`, `AbortError`); its message never
// is: it belongs to the user's hook and may quote the event it failed to write.
const ERROR_NAME = /^[A-Za-z_$][\w$.-]{0,63}$/;

function nameOf(err: unknown): string {
  if ((typeof err !== 'object' && typeof err !== 'function') || err === null) {
    return `a thrown ${err === null ? 'null' : typeof err}`;
  }
  const name = (err as { name?: unknown }).name;
  return typeof name === 'string' && ERROR_NAME.test(name) ? name : 'an error without a name';
}

function warn(how: 'threw' | 'rejected', err: unknown): void {
  try {
    const message =
      `The onEvent audit hook ${how} (${nameOf(err)}). The answer was not changed, ` +
      'but audit events may be missing. Reported once per authenticator; the error message is ' +
      'not shown, as it may quote the event.';
    portcullisWarning(message, 'PORTCULLIS_ON_EVENT_FAILED');
  } catch {
    // Nowhere left to report it; auditing still cannot change an answer.
  }
}

/**
 * The emitter over a user's `onEvent`: stamps the time, ignores a hook that throws or returns a
 * rejecting thenable (changing no answer, leaving no unhandled rejection) and reports the first
 * such failure once, with the error's name only. `undefined` when there is no hook.
 *
 * @example
 * ```ts
 * const emit = eventSink(options.onEvent, now);
 * emit?.({ outcome: 'anonymous', code: 'ERR_NO_CREDENTIALS', status: 200 });
 * ```
 */
export function eventSink(
  onEvent: ((event: AuthEvent) => unknown) | undefined,
  now: () => number,
): Emit | undefined {
  if (onEvent === undefined) return undefined;
  let warned = false;
  const failed = (how: 'threw' | 'rejected', err: unknown) => {
    if (warned) return;
    warned = true;
    warn(how, err);
  };
  const rejected = (err: unknown) => failed('rejected', err);
  return (event) => {
    try {
      const result = onEvent({ ...event, time: now() });
      if (isPromiseLike(result)) result.then(undefined, rejected);
    } catch (err) {
      failed('threw', err);
    }
  };
}

// An authenticator carries an opaque token under this symbol, and only this module can turn the
// token into its emitter. A copy of the authenticator (`{ ...authenticator, authenticate }`)
// keeps the token, so its guards still report to the same audit trail; holding the authenticator
// does not let other code write events into it.
const AUDIT = Symbol('portcullis.audit');
const sinks = new WeakMap<object, Emit>();

/**
 * Link an authenticator to its emitter, for {@link reportDenied}.
 *
 * @example
 * ```ts
 * const authenticator = linkAudit({ realm, authenticate }, emit);
 * ```
 */
export function linkAudit<T extends object>(authenticator: T, emit: Emit | undefined): T {
  if (emit === undefined) return authenticator;
  const token = Object.freeze({});
  sinks.set(token, emit);
  return Object.assign(authenticator, { [AUDIT]: token });
}

/**
 * Report a scope guard's 403 to the authenticator's `onEvent`: one `denied` event with who was
 * refused and the names of the scopes the route requires (never a claim value). Nothing when the
 * authenticator has no hook or was not made by `createAuthenticator()`.
 *
 * @example
 * ```ts
 * reportDenied(state.authenticator, state.principal, ['billing:write']);
 * ```
 */
export function reportDenied(
  authenticator: Authenticator | undefined,
  principal: Principal,
  scopes: readonly string[],
): void {
  reportTo(authenticator, () => deniedEvent(principal, scopes));
}

/**
 * Report an event made after authentication (a guard's, a limit's) to the authenticator's
 * `onEvent`; `make` runs only when there is a hook to call.
 *
 * @example
 * ```ts
 * reportTo(state.authenticator, () => limitedEvent(principal, err));
 * ```
 */
export function reportTo(authenticator: Authenticator | undefined, make: () => EventInit): void {
  const token = (authenticator as { [AUDIT]?: object } | undefined)?.[AUDIT];
  const emit = token === undefined ? undefined : sinks.get(token);
  if (emit !== undefined) emit(make());
}
