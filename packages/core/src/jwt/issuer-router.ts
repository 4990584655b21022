// Several issuers in one authenticator: a JWT goes to the method whose `issuer` holds the token's
// `iss`, read before verifying (RFC 8725 §3.8: keys belong to their issuer, so a token is checked
// only against its own issuer's keys, and one naming no configured issuer costs no key lookup or
// fetch). The `iss` read here picks a method and decides nothing else: that method verifies the
// token from scratch, its `iss` included.
//
// Reading `iss` means decoding the payload and parsing its JSON, a microsecond or two. A small memo
// by exact token string spares a repeated token that work, so after warm-up several issuers cost
// what one does. Like the verified-token cache it finds an entry by the token's last characters
// (the signature's tail) and compares the whole token; here the tail is read as a number, not
// sliced into a string to hash, and the token handed on to the method is the memo's own string, so
// the method's cache compares it with the string it stored by identity, not character by
// character.

import { methodTakes } from '../lib/takes.js';
import type { CredentialSource, Method } from '../types.js';
import { objectOf, ownClaim, type SegmentDecoder } from './parse.js';

const MEMO_MAX = 10_000;
const MEMO_CHARS = 8 * 1024 * 1024;

/** What {@link issuerOf} answers for a token whose payload is not a JSON object. */
const UNREADABLE = Symbol('unreadable payload');

/**
 * Where a token goes: its method, and the token to hand it (equal to the one presented).
 *
 * @example
 * ```ts
 * const { method, token } = routed;
 * await method.verify(token, ctx);
 * ```
 */
export interface Route {
  readonly token: string;
  readonly method: Method;
}

// The last four characters as one small integer (7 bits each: base64url is ASCII): a Map finds a
// number without hashing a string.
function tailKey(token: string): number {
  const n = token.length;
  return (
    ((token.charCodeAt(n - 1) & 127) << 21) |
    ((token.charCodeAt(n - 2) & 127) << 14) |
    ((token.charCodeAt(n - 3) & 127) << 7) |
    (token.charCodeAt(n - 4) & 127)
  );
}

// Token → route, bounded by count and by the sum of token lengths, emptied when full (a flood of
// one-off tokens costs the repeated ones one parse each, never memory). Two tokens with the same
// tail take turns in one entry: a hit always compares the whole token.
class RouteMemo {
  readonly #entries = new Map<number, Route>();
  #chars = 0;

  get(token: string): Route | undefined {
    const route = this.#entries.get(tailKey(token));
    return route !== undefined && route.token === token ? route : undefined;
  }

  add(route: Route): void {
    const { token } = route;
    if (this.#entries.size >= MEMO_MAX || this.#chars + token.length > MEMO_CHARS) {
      this.#entries.clear();
      this.#chars = 0;
    }
    const key = tailKey(token);
    const previous = this.#entries.get(key);
    if (previous !== undefined) this.#chars -= previous.token.length;
    this.#entries.set(key, route);
    this.#chars += token.length;
  }
}

// The unverified `iss`: a string, `undefined` when absent or not a string, or UNREADABLE when the
// payload segment is not canonical base64url of a UTF-8 JSON object.
function issuerOf(token: string, decoder: SegmentDecoder): string | undefined | typeof UNREADABLE {
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (second < 0) return UNREADABLE;
  const bytes = decoder.decodeSegment(token.slice(first + 1, second));
  const payload = bytes === undefined ? undefined : objectOf(bytes, decoder);
  if (payload === undefined) return UNREADABLE;
  const iss = ownClaim(payload, 'iss');
  return typeof iss === 'string' ? iss : undefined;
}

/**
 * Routes each JWT to the method of its issuer.
 *
 * @example
 * ```ts
 * const routed = router.route(token, { kind: 'authorization' }, chosen);
 * if (routed === undefined) throw unknownIssuer(realm);
 * ```
 */
export interface IssuerRouter {
  /**
   * The route to the method whose issuers hold the token's `iss` and that takes a credential from
   * `source`; to `fallback` when the payload cannot be read (it then answers its own precise
   * malformed-token error); `undefined` when `iss` is absent, not a string, or names no such
   * method.
   */
  route(token: string, source: CredentialSource, fallback: Method): Route | undefined;
}

/**
 * The router for `methods`, or `undefined` when fewer than two of them carry `issuers` (one
 * `jwt()` method keeps the path and cost it always had). Throws a `TypeError` when two methods
 * carry the same issuer, or a method's `issuers` is not a list of non-empty strings.
 *
 * @example
 * ```ts
 * import * as impl from '#crypto';
 * const router = issuerRouter([jwt(auth0), jwt(entra)], impl);
 * ```
 */
export function issuerRouter(
  methods: readonly Method[],
  decoder: SegmentDecoder,
): IssuerRouter | undefined {
  const owners = new Map<string, Method>();
  let carrying = 0;
  for (const method of methods) {
    const issuers: unknown = method.issuers;
    if (issuers === undefined) continue;
    if (!Array.isArray(issuers) || !issuers.every((i) => typeof i === 'string' && i !== '')) {
      throw new TypeError(
        'createAuthenticator(): a method’s `issuers` must be an array of non-empty strings',
      );
    }
    carrying++;
    for (const issuer of issuers as string[]) {
      const owner = owners.get(issuer);
      if (owner !== undefined && owner !== method) {
        throw new TypeError(
          `createAuthenticator(): the issuer ${JSON.stringify(issuer)} is in two jwt() methods; ` +
            'give each issuer one method (it may list several algorithms and audiences)',
        );
      }
      owners.set(issuer, method);
    }
  }
  if (carrying < 2) return undefined;
  const memo = new RouteMemo();
  return {
    route(token, source, fallback) {
      let route = memo.get(token);
      if (route === undefined) {
        const iss = issuerOf(token, decoder);
        if (iss === UNREADABLE) return { token, method: fallback };
        const method = iss === undefined ? undefined : owners.get(iss);
        if (method === undefined) return undefined;
        route = { token, method };
        memo.add(route);
      }
      return methodTakes(route.method, token, source) ? route : undefined;
    },
  };
}
