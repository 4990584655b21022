// Whether a method takes a credential found at a given place: read from a header or cookie it
// names (Authorization belongs to every method), in a form it recognizes.
import type { CredentialSource, Method } from '../types.js';

/**
 * Whether `method` takes `value` found at `source`: the header or cookie is one of the method's,
 * and the method recognizes the value's form.
 *
 * @example
 * ```ts
 * const method = methods.find((m) => methodTakes(m, found.value, found.source));
 * ```
 */
export function methodTakes(method: Method, value: string, source: CredentialSource): boolean {
  if (source.kind === 'header' && !method.headers.includes(source.name)) return false;
  if (source.kind === 'cookie' && !method.cookies.includes(source.name)) return false;
  return method.recognizes(value, source);
}
