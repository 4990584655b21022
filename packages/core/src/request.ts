/**
 * The small view of an HTTP request that core reads. Adapters fill it from their framework.
 *
 * @example
 * ```ts
 * const view: RequestView = { header: (name) => req.headersDistinct[name] };
 * ```
 */
export interface RequestView {
  /** The HTTP method (`GET`), for DPoP's `htm`; adapters give it. */
  readonly method?: string | undefined;
  /** The request target as received (`/orders/7?x=1`), for DPoP's `htu`; adapters give it. */
  readonly url?: string | undefined;
  /**
   * Every value of the header `name` (always given in lower case). Return all values when the
   * header was sent more than once: a second Authorization header must be seen to be refused.
   */
  header(name: string): string | readonly string[] | null | undefined;
}

/**
 * Every value of a header, as an array (empty when absent).
 *
 * @example
 * ```ts
 * headerValues(view, 'authorization'); // ['Bearer eyJ…'], or [] when absent
 * ```
 */
export function headerValues(request: RequestView, name: string): readonly string[] {
  const value = request.header(name);
  if (value === undefined || value === null) return [];
  return typeof value === 'string' ? [value] : value;
}

/**
 * A request view over a Fetch API `Headers` object (Hono, Bun, Deno, Workers). `Headers` joins
 * repeated headers with `", "`; core still refuses a second bearer token in the joined value.
 *
 * @example
 * ```ts
 * const principal = await authenticator.authenticate(fromFetchHeaders(request.headers));
 * ```
 */
export function fromFetchHeaders(headers: Headers): RequestView {
  return { header: (name) => headers.get(name) };
}

/**
 * What {@link fromNodeRequest} reads of a Node request: its raw header lines.
 *
 * @example
 * ```ts
 * const like: NodeRequestLike = { rawHeaders: ['Authorization', 'Bearer eyJ…'] };
 * ```
 */
export interface NodeRequestLike {
  /** Names and values alternating, as received (`IncomingMessage.rawHeaders`). */
  readonly rawHeaders: readonly string[];
  /** The method, as `IncomingMessage.method`. */
  readonly method?: string | undefined;
  /** The target as received: Express keeps it in `originalUrl` when a router strips a prefix. */
  readonly originalUrl?: string | undefined;
  /** The target, as `IncomingMessage.url`. */
  readonly url?: string | undefined;
}

/**
 * A request view over a Node `IncomingMessage` (Express, Koa, Hono on `@hono/node-server`).
 * It reads `rawHeaders`, so a second Authorization header is seen (Node's `req.headers` keeps
 * only the first), without building `headersDistinct` for every header on every request.
 *
 * @example
 * ```ts
 * const principal = await authenticator.authenticate(fromNodeRequest(req));
 * ```
 */
export function fromNodeRequest(request: NodeRequestLike): RequestView {
  return {
    method: request.method,
    url: request.originalUrl ?? request.url,
    header(name) {
      const raw = request.rawHeaders;
      let first: string | undefined;
      let all: string[] | undefined;
      for (let i = 0; i < raw.length; i += 2) {
        const line = raw[i]!;
        if (line.length !== name.length || line.toLowerCase() !== name) continue;
        const value = raw[i + 1]!;
        if (first === undefined) first = value;
        else if (all === undefined) all = [first, value];
        else all.push(value);
      }
      return all ?? first;
    },
  };
}

/**
 * A request view over Node's `IncomingMessage.headersDistinct`.
 *
 * @example
 * ```ts
 * const view = fromNodeHeaders(req.headersDistinct);
 * ```
 */
export function fromNodeHeaders(
  headersDistinct: Record<string, readonly string[] | undefined>,
): RequestView {
  return { header: (name) => headersDistinct[name] };
}
