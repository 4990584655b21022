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

// A class, not an object literal with getters: V8 builds a literal's accessors anew for each
// request (about 1 µs measured on Node 20); a class keeps them on its prototype.
class FetchRequestView implements RequestView {
  readonly #request: Request;
  readonly #headers: Headers;

  constructor(request: Request) {
    this.#request = request;
    this.#headers = request.headers;
  }

  header(name: string): string | null {
    return this.#headers.get(name);
  }

  get method(): string {
    return this.#request.method;
  }

  get url(): string {
    const url = new URL(this.#request.url);
    return url.pathname + url.search;
  }
}

// @hono/node-server builds each request's `Request` lazily from Node's IncomingMessage, and keeps
// that message under a symbol of its own (`Symbol('incomingKey')`, not exported), passing it to
// the handler as `env.incoming`. The symbol is found once by its description and remembered; a
// `Request` that does not hold the very message in `env.incoming` was built by someone else, and
// its own headers decide.
let incomingKey: symbol | undefined;

function builtFrom(request: Request, incoming: object): boolean {
  const held = request as unknown as Record<symbol, unknown>;
  if (incomingKey !== undefined && held[incomingKey] === incoming) return true;
  for (const key of Object.getOwnPropertySymbols(request)) {
    if (key.description === 'incomingKey' && held[key] === incoming) {
      incomingKey = key;
      return true;
    }
  }
  return false;
}

function incomingBehind(request: Request, env: unknown): NodeRequestLike | undefined {
  if (typeof env !== 'object' || env === null) return undefined;
  const incoming = (env as { incoming?: { rawHeaders?: unknown } }).incoming;
  return Array.isArray(incoming?.rawHeaders) && builtFrom(request, incoming)
    ? (incoming as NodeRequestLike)
    : undefined;
}

/**
 * A request view over a Fetch API `Request` (Hono, Bun, Deno, Workers, Next.js): its headers, as
 * {@link fromFetchHeaders} reads them, and its method and target (path and query, for a DPoP
 * proof's `htm` and `htu`), read only when a proof is checked.
 *
 * Pass the handler's second argument as `env`: on `@hono/node-server` it holds Node's own message
 * (`env.incoming`), and when `request` is the very `Request` built from it, the view reads that
 * message's header lines instead ({@link fromNodeRequest}): they keep a repeated header apart, and
 * reading them does not build a Fetch `Headers` (about 10 µs a request). A `Request` made
 * in-process and passed on with the same `env` is read from its own headers.
 *
 * @example
 * ```ts
 * const handler = async (request: Request, env?: unknown) =>
 *   (await authenticator.authenticate(fromFetchRequest(request, env))) ? ok() : denied();
 * ```
 */
export function fromFetchRequest(request: Request, env?: unknown): RequestView {
  const incoming = incomingBehind(request, env);
  return incoming === undefined ? new FetchRequestView(request) : fromNodeRequest(incoming);
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
