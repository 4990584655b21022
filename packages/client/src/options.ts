// Configuration checks: a mistake throws a TypeError when the provider is made, never on a
// request, and never with a secret in its message.

/** Throw when `options` is not an object or has a key not in `known` (a typo is never ignored). */
export function checkOptions(where: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${where}: unknown option \`${key}\` (known: ${known.join(', ')})`);
    }
  }
}

/** A loopback host: `localhost`, 127.0.0.0/8 or [::1]. */
function isLoopback(url: URL): boolean {
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * `value` as an endpoint URL: absolute, https (http only on a loopback host), no credentials in
 * it and no fragment.
 */
export function endpointUrl(where: string, name: string, value: unknown): URL {
  let url: URL;
  try {
    if (typeof value !== 'string' && !(value instanceof URL)) throw new TypeError();
    url = new URL(value);
  } catch {
    throw new TypeError(`${where}: \`${name}\` must be an absolute URL`);
  }
  if (!isAllowedEndpoint(url)) {
    throw new TypeError(
      `${where}: \`${name}\` must be an https URL (http only for localhost, 127.0.0.0/8 and [::1])`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError(`${where}: \`${name}\` must not carry credentials`);
  }
  if (url.hash !== '') throw new TypeError(`${where}: \`${name}\` must not have a fragment`);
  return url;
}

/** Whether a token endpoint may be at `url`: https, or http on a loopback host. */
export function isAllowedEndpoint(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url));
}
