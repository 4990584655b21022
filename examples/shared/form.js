/**
 * Parse an `application/x-www-form-urlencoded` body strictly, as RFC 6749 §3.2 asks: a parameter
 * sent twice is an error. Returns a plain object, or `null` when the body is not acceptable.
 *
 * @example
 * parseForm('application/x-www-form-urlencoded', 'grant_type=client_credentials');
 * // → { grant_type: 'client_credentials' }
 */
export function parseForm(contentType, text) {
  const type = String(contentType ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' || typeof text !== 'string') return null;
  const form = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) {
    if (name in form) return null;
    form[name] = value;
  }
  return form;
}

/**
 * Read HTTP Basic credentials (RFC 7617) as RFC 6749 §2.3.1 encodes client credentials: each
 * half form-urlencoded before base64. Returns `undefined` without a Basic header, `null` for a
 * malformed one.
 *
 * @example
 * parseBasic('Basic ' + btoa('client:secret')); // → { id: 'client', secret: 'secret' }
 */
export function parseBasic(authorization) {
  if (typeof authorization !== 'string') return undefined;
  const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(authorization);
  if (!/^Basic /i.test(authorization)) return undefined;
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    const formDecode = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
    return {
      id: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    return null;
  }
}
