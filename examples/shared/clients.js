import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const digest = (value) => createHash('sha256').update(value, 'utf8').digest();

/**
 * The registered OAuth clients (RFC 6749 §2): each has an id, a secret kept only as a SHA-256
 * digest, and the scopes it may be granted. In memory, as in the rest of the example.
 *
 * @example
 * const clients = createClientRegistry();
 * const { clientId, clientSecret } = clients.register({ name: 'billing-agent', scopes: ['billing:read'] });
 * clients.authenticate(clientId, clientSecret); // → the client, or null
 */
export function createClientRegistry() {
  const byId = new Map();
  let sequence = 0;

  return {
    register({ name, scopes }) {
      sequence += 1;
      const clientId = `${name}-${sequence}`;
      const clientSecret = randomBytes(24).toString('base64url');
      byId.set(clientId, {
        clientId,
        name,
        scopes: [...scopes],
        secretDigest: digest(clientSecret),
      });
      return { clientId, clientSecret };
    },
    /** The client when `secret` is its secret, else `null` (compared in constant time). */
    authenticate(clientId, secret) {
      const client = byId.get(clientId);
      // Hash even for an unknown id, so the answer takes the same time either way.
      const given = digest(String(secret));
      if (client === undefined) return null;
      return timingSafeEqual(given, client.secretDigest) ? client : null;
    },
  };
}
