import { createServer } from 'node:http';

/**
 * Serve a Node request listener (an Express app, `koa.callback()`) on `host:port` and resolve to
 * its URL and a `close()` that ends open connections too.
 *
 * @example
 * const { url, close } = await listen(app, 0, '127.0.0.1');
 */
export function listen(listener, port, host) {
  const server = createServer(listener);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://${host}:${actual}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
