// A server on another origin that relays every request to a provider: its discovery document
// then names an issuer that is not the mirror's own, as a misconfigured gateway or an attacker's
// copy would.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running mirror. */
export interface Mirror {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Relay GET requests to `target` (an origin).
 *
 * @example
 * ```ts
 * const mirror = await startMirror(idp.issuer);
 * ```
 */
export async function startMirror(target: string): Promise<Mirror> {
  const server = createServer(async (req, res) => {
    const upstream = await fetch(new URL(req.url ?? '/', target));
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
    });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
