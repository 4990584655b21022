// The URLs Portcullis publishes or names in challenges: absolute, `https:` (or `http:` on this
// machine), no fragment, printable ASCII without quotes, so they survive a quoted-string.
import { safeTransport } from '../jwt/fetch-jwks.js';

const PRINTABLE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Check `value` is such a URL and answer it parsed; `what` names the option in the `TypeError`.
 *
 * @example
 * ```ts
 * const url = checkHttpsUrl('protectedResource(): `resource`', options.resource);
 * ```
 */
export function checkHttpsUrl(what: string, value: unknown): URL {
  let url: URL | undefined;
  if (typeof value === 'string' && PRINTABLE.test(value)) {
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
  }
  if (url === undefined || !safeTransport(url, false) || value === '' || url.hash !== '') {
    throw new TypeError(
      `${what} must be an absolute https: URL (http: only on localhost) without a fragment`,
    );
  }
  if ((value as string).includes('#')) {
    throw new TypeError(`${what} must not have a fragment`);
  }
  return url;
}
