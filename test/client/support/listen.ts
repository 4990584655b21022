import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server on 127.0.0.1: its URL and how to close it (open connections too). */
export interface Served {
  url: string;
  close(): Promise<void>;
}

/**
 * Serve `listener` on 127.0.0.1 at a free port.
 *
 * @example
 * ```ts
 * const { url, close } = await listenOn(app);
 * ```
 */
export async function listenOn(listener: RequestListener): Promise<Served> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
