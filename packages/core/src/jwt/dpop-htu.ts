// The `htu` comparison of RFC 9449 §4.3 step 9: the proof's URI against the configured origin and
// the request's path, both without query and fragment, after the syntax- and scheme-based
// normalisation of RFC 3986 §6.2.2 and §6.2.3 (scheme and host lower-cased, default port dropped,
// dot segments removed, an empty path made `/`, percent-encoding of unreserved characters decoded
// and the rest upper-cased). The request's own Host header is never read.

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const PERCENT = /%([0-9A-Fa-f]{2})/g;
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:/;

function normalizeEncoding(path: string): string {
  return path.replace(PERCENT, (_, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/**
 * An `http:` or `https:` URI in the form `htu` values are compared in (scheme, host, port and
 * path; no user info, query or fragment), or `undefined` when it is not one.
 *
 * @example
 * ```ts
 * normalizeHtu('HTTPS://API.example.com:443/a/%7euser?q=1'); // 'https://api.example.com/a/~user'
 * ```
 */
export function normalizeHtu(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return `${url.protocol}//${url.host}${normalizeEncoding(url.pathname)}`;
}

/**
 * The `htu` a request's proof must carry: the configured `origin` (as `URL#origin` gives it)
 * followed by the path of the request target, normalised by {@link normalizeHtu}. The target is
 * origin-relative (`/path?query`) as received; an absolute-form target (`https://host/path`)
 * gives only its path, so no part of the request ever names the host. `undefined` for a target
 * that is neither (`*`, an authority).
 *
 * @example
 * ```ts
 * requestHtu('https://api.example.com', '/orders/7?expand=items'); // 'https://api.example.com/orders/7'
 * ```
 */
export function requestHtu(origin: string, target: string): string | undefined {
  let path: string;
  if (target.startsWith('/')) {
    path = target;
  } else if (ABSOLUTE_FORM.test(target)) {
    try {
      path = new URL(target).pathname;
    } catch {
      return undefined;
    }
    if (!path.startsWith('/')) return undefined;
  } else {
    return undefined;
  }
  const end = path.search(/[?#]/);
  // Concatenated, never resolved: `//other.example/x` stays a path on the configured origin.
  return normalizeHtu(origin + (end === -1 ? path : path.slice(0, end)));
}
