/**
 * Make a new API key: 256 random bits in the `<prefix>_<base62 body><checksum>` shape.
 * Show `key` to its owner once; store only `hash`.
 *
 * @example
 * ```ts
 * const { key, hash } = generateApiKey({ prefix: 'pcs' });
 * await db.apiKeys.insert({ hash, subject: 'svc-reports', scopes: ['reports:read'] });
 * ```
 */
export function generateApiKey(options: { prefix: string }): { key: string; hash: string } {
  void options;
  throw new Error('not implemented yet');
}

/**
 * The lowercase hex SHA-256 of the UTF-8 key: what `lookup` receives and what you store.
 *
 * @example
 * ```ts
 * hashApiKey('pcs_…'); // 'e3b0c442…'
 * ```
 */
export function hashApiKey(key: string): string {
  void key;
  throw new Error('not implemented yet');
}
