// A JWKS endpoint on 127.0.0.1 for the rows that fetch their keys by URL, as most deployments do
// (express-oauth2-jwt-bearer's `jwksUri`, Portcullis `jwks`). Keys are fetched once, then cached.
import { createServer } from 'node:http';

/** Serve `{ keys }` at `/jwks.json`; resolves to `{ url, close }`. */
export function serveJwks(keys) {
  const body = JSON.stringify({ keys });
  const server = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}/jwks.json`;
      resolve({
        url,
        close: () => {
          server.close();
          server.closeAllConnections();
        },
      });
    });
  });
}
