/**
 * The small view of an HTTP request that core reads. Adapters fill it from their framework.
 *
 * @example
 * ```ts
 * const view: RequestView = { header: (name) => req.headersDistinct[name] };
 * ```
 */
export interface RequestView {
  /**
   * Every value of the header `name` (always given in lower case). Return all values when the
   * header was sent more than once: a second Authorization header must be seen to be refused.
   */
  header(name: string): string | readonly string[] | null | undefined;
}

/** Every value of a header, as an array (empty when absent). */
export function headerValues(request: RequestView, name: string): readonly string[] {
  const value = request.header(name);
  if (value === undefined || value === null) return [];
  return typeof value === 'string' ? [value] : value;
}

/** A request view over a Fetch API `Headers` object (Hono, Bun, Deno, Workers). */
export function fromFetchHeaders(headers: Headers): RequestView {
  return { header: (name) => headers.get(name) };
}

/** A request view over Node's `IncomingMessage.headersDistinct`. */
export function fromNodeHeaders(
  headersDistinct: Record<string, readonly string[] | undefined>,
): RequestView {
  return { header: (name) => headersDistinct[name] };
}
