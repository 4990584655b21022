import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** How the key server answers. */
export type JwksMode =
  | 'ok'
  | 'slow'
  | 'hang'
  | 'error500'
  | 'not-found'
  | 'not-json'
  | 'redirect'
  | 'oversized'
  | 'empty-keys'
  | 'wrong-shape';

/** A real HTTP key server on 127.0.0.1 that counts what it sees. */
export interface JwksServer {
  /** The JWKS URL (`/jwks.json`). */
  url: string;
  /** Any other URL on this server (for `jku`, `x5u` and redirect targets). */
  urlFor(path: string): string;
  mode: JwksMode;
  keys: JWK[];
  /** Milliseconds `slow` waits before answering. */
  delay: number;
  /** Requests received, by path. */
  hits: number;
  paths: string[];
  /** Most requests in flight at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

/**
 * Start a key server on 127.0.0.1 (an ephemeral port). Its behaviour can change between
 * requests by setting `mode`.
 *
 * @example
 * ```ts
 * const server = await startJwksServer([rsa.jwk]);
 * server.mode = 'error500';
 * ```
 */
export async function startJwksServer(keys: JWK[] = []): Promise<JwksServer> {
  let inFlight = 0;
  const hanging = new Set<IncomingMessage>();
  const state: JwksServer = {
    url: '',
    urlFor: () => '',
    mode: 'ok',
    keys,
    delay: 200,
    hits: 0,
    paths: [],
    maxInFlight: 0,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    state.hits++;
    state.paths.push(req.url ?? '');
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on('close', () => {
      inFlight--;
    });
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    switch (state.mode) {
      case 'ok':
        return json({ keys: state.keys });
      case 'slow':
        setTimeout(() => json({ keys: state.keys }), state.delay);
        return;
      case 'hang':
        hanging.add(req);
        return;
      case 'error500':
        res.writeHead(500, { 'content-type': 'application/json' });
        return res.end('{"error":"boom"}');
      case 'not-found':
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('not found');
      case 'not-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('<html>not json</html>');
      case 'redirect':
        res.writeHead(302, { location: state.urlFor('/elsewhere.json') });
        return res.end();
      case 'oversized': {
        const filler = 'x'.repeat(2 * 1024 * 1024);
        return json({ keys: state.keys, filler });
      }
      case 'empty-keys':
        return json({ keys: [] });
      case 'wrong-shape':
        return json({ keys: 'nope' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}/jwks.json`;
  state.urlFor = (path) => `http://127.0.0.1:${port}${path}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const req of hanging) req.socket.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/**
 * A URL on 127.0.0.1 where nothing listens (the key server is down).
 *
 * @example
 * ```ts
 * jwt({ ..., jwks: await deadUrl() });
 * ```
 */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/jwks.json`;
}
