/** Largest request body the examples read, in bytes. */
export const BODY_LIMIT = 16 * 1024;

/**
 * Read a Node request body as UTF-8 text, up to {@link BODY_LIMIT} bytes (Express and Koa share
 * this; Hono reads with `c.req.text()`). Resolves to `null` when the body is too large.
 *
 * @example
 * const text = await readNodeBody(req);
 */
export async function readNodeBody(req, limit = BODY_LIMIT) {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return null;
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
