import { describe, expect, it } from 'vitest';
import { buildChallenge } from './challenge.js';

describe('buildChallenge', () => {
  it('gives a bare challenge with only a realm', () => {
    expect(buildChallenge({ realm: 'api' })).toBe('Bearer realm="api"');
  });

  it('orders realm, error, error_description and scope', () => {
    expect(
      buildChallenge({
        realm: 'api',
        error: 'insufficient_scope',
        description: 'Needs more',
        scope: ['billing:read', 'billing:write'],
      }),
    ).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="Needs more", scope="billing:read billing:write"',
    );
  });

  it('escapes quotes and backslashes as RFC 9110 quoted-strings', () => {
    expect(buildChallenge({ realm: 'a"b\\c' })).toBe('Bearer realm="a\\"b\\\\c"');
  });

  it('replaces characters outside printable ASCII, so no header injection is possible', () => {
    const value = buildChallenge({ realm: 'x\r\nSet-Cookie: a=b', description: 'café' });
    expect(value).not.toMatch(/[\r\n]/);
    expect(value).toBe('Bearer realm="x??Set-Cookie: a=b", error_description="caf?"');
  });

  it('omits an empty scope list', () => {
    expect(buildChallenge({ realm: 'api', error: 'invalid_token', scope: [] })).toBe(
      'Bearer realm="api", error="invalid_token"',
    );
  });
});
