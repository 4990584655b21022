// The synchronous faces of authentication, kept under symbols private to core. Most requests are
// decided without waiting on anything (a cached token, a cached API key record, a malformed
// header), and each promise between the adapter and the verifier costs a turn of the microtask
// queue: these let an adapter take the answer at once and keep promises for real waits.
import type { RequestView } from '../request.js';
import type { Principal, VerifyContext } from '../types.js';

/** On a method: `verify()` that answers directly when it can (a principal, or a throw). */
export const VERIFY_NOW = Symbol('portcullis.verifyNow');
/** On an authenticator: `authenticate()` that answers directly when it can. */
export const ATTEMPT = Symbol('portcullis.attempt');

/** A principal now, or a native promise of one. */
export type Now<T> = T | Promise<T>;

export interface SyncMethod {
  [VERIFY_NOW]?: (value: string, ctx: VerifyContext) => Now<Principal>;
}

export interface SyncAuthenticator {
  [ATTEMPT]?: (request: RequestView, options?: { optional?: boolean }) => Now<Principal | null>;
}
