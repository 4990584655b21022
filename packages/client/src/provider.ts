/**
 * The request a credential is for. DPoP proofs sign its method and URL; other providers ignore it.
 *
 * @example
 * ```ts
 * const request: AuthRequest = { method: 'POST', url: 'https://api.example.com/invoices' };
 * ```
 */
export interface AuthRequest {
  /** The HTTP method as it is sent: `'GET'`, `'POST'`, … */
  method: string;
  /** The absolute URL of the request. */
  url: string;
}

/**
 * Where credentials come from: {@link apiKeyAuth}, {@link clientCredentials}, or your own.
 * `authFetch()` calls `getHeaders()` for every request and, when a server refuses the credential
 * with `invalid_token`, `invalidate()` once before it retries.
 *
 * @example
 * ```ts
 * const fromVault: CredentialProvider = {
 *   getHeaders: async () => ({ authorization: `Bearer ${await vault.read('api-token')}` }),
 * };
 * ```
 */
export interface CredentialProvider {
  /** The headers that carry the credential for `request` (lower-case names). */
  getHeaders(request?: AuthRequest): Promise<Record<string, string>>;
  /**
   * Forget the credential that `refused` (headers from `getHeaders()`) carried, so the next
   * `getHeaders()` gets a new one; without `refused`, forget the current one. A provider without
   * it has nothing to renew, and `authFetch()` does not retry.
   */
  invalidate?(refused?: Record<string, string>): void;
  /** Remember a resource server's `DPoP-Nonce` for the origin of `url` (DPoP providers). */
  useDpopNonce?(url: string, nonce: string): void;
}
