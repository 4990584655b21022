// What a secret looks like wherever it could be seen — inspect, toString, toJSON, error messages:
// enough to tell two apart (`pcs_abcd…wxyz`), never enough to use.

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

// An API key prefix as generateApiKey() makes them: a letter, then letters and digits, then `_`.
const KEY_PREFIX = /^[A-Za-z][A-Za-z0-9]{0,11}_/;

/**
 * A secret masked for display: its first and last four characters around `…` when it is long
 * enough for that to reveal little (24 characters or more), else `…` alone. With
 * `{ prefix: true }`, an API key's public prefix (`pcs_`) is kept in front.
 *
 * @example
 * ```ts
 * maskSecret('pcs_4fGh0aLq9VxT2mBn8cRe5kWy1ZpJ3sUd7oYi6tQe2bX', { prefix: true }); // 'pcs_4fGh…e2bX'
 * maskSecret('short'); // '…'
 * ```
 */
export function maskSecret(secret: string, { prefix = false }: { prefix?: boolean } = {}): string {
  const head = prefix ? (KEY_PREFIX.exec(secret)?.[0] ?? '') : '';
  const rest = secret.slice(head.length);
  if (rest.length < 24) return `${head}…`;
  return `${head}${rest.slice(0, 4)}…${rest.slice(-4)}`;
}

/**
 * Give `target` a masked face: `toString()`, `toJSON()` and Node's `util.inspect` show `shown`
 * (built only from masked values), never a field that holds a secret.
 */
export function maskedFace<T extends object>(target: T, name: string, shown: () => object): T {
  const describe = (): string => `${name} ${JSON.stringify(shown())}`;
  Object.defineProperties(target, {
    toString: { value: describe },
    toJSON: { value: () => ({ type: name, ...shown() }) },
    [INSPECT]: { value: describe },
  });
  return target;
}

// A run of token characters long enough to be a token, a secret or an assertion rather than a
// word: 24 or more, mixing at least two of lower case, upper case and digits (a JWT, a key; not
// `id_token_signed_response_alg`).
const TOKEN_RUN = /[A-Za-z0-9._~+/=-]{24,}/g;
const looksRandom = (run: string) =>
  Number(/[a-z]/.test(run)) + Number(/[A-Z]/.test(run)) + Number(/[0-9]/.test(run)) >= 2;

/**
 * Server-sent `text` fit for a message: each of `secrets` (however short) masked, and any other
 * run that looks like a token masked too.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length > 0) out = out.split(secret).join(maskSecret(secret));
  }
  return out.replace(TOKEN_RUN, (run) => (looksRandom(run) ? maskSecret(run) : run));
}
