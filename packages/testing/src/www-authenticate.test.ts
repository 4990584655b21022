import { describe, expect, it } from 'vitest';
import { bearerParam, bearerProblems, parseChallenges } from './www-authenticate.js';

const METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

const paramsOf = (header: string) =>
  parseChallenges(header).challenges.map((c) => ({
    scheme: c.scheme,
    token68: c.token68,
    params: Object.fromEntries([...c.params].map(([name, p]) => [name, p.value])),
  }));

describe('parseChallenges', () => {
  it('reads several challenges, quoted-strings with escapes, tokens, a token68 and a bare scheme', () => {
    const header = `Negotiate abc+/==, Bearer realm="a \\"b\\"", error=invalid_token,  ,Basic realm="x", Digest`;
    expect(parseChallenges(header).problems).toEqual([]);
    expect(paramsOf(header)).toEqual([
      { scheme: 'Negotiate', token68: 'abc+/==', params: {} },
      {
        scheme: 'Bearer',
        token68: undefined,
        params: { realm: 'a "b"', error: 'invalid_token' },
      },
      { scheme: 'Basic', token68: undefined, params: { realm: 'x' } },
      { scheme: 'Digest', token68: undefined, params: {} },
    ]);
    expect(paramsOf('Bearer, Basic')).toHaveLength(2);
    expect(paramsOf('Bearer   ')).toEqual([{ scheme: 'Bearer', token68: undefined, params: {} }]);
    expect(paramsOf('Bearer realm = "x" ,')).toEqual([
      { scheme: 'Bearer', token68: undefined, params: { realm: 'x' } },
    ]);
  });

  it.each([
    ['="x"', 'expected an auth scheme at "=\\"x\\"" (position 0)'],
    ['Bearer\trealm="x"', 'expected a space after the scheme Bearer'],
    ['Bearer realm="x" error="y"', 'expected "," between parameters at "error=\\"y\\""'],
    ['Bearer realm="x', 'an unterminated quoted-string at "\\"x" (position 13)'],
    ['Bearer realm="a\\', 'a bad escape'],
    ['Bearer realm="a\nb"', 'a control character in a quoted-string'],
    ['Bearer realm=', 'expected a token or a quoted-string at the end'],
    ['Bearer realm="a", Realm="b"', 'the parameter realm appears twice'],
    ['Negotiate abc== def', 'expected "," after a token68'],
    ['Bearer ==', 'expected parameters or a token68'],
  ])('refuses %j', (header, problem) => {
    const { problems } = parseChallenges(header);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });
});

describe('bearerProblems', () => {
  it('passes what core builds', () => {
    expect(
      bearerProblems(
        `Bearer realm="api", error="insufficient_scope", error_description="The token lacks a scope", scope="files:read files:write", resource_metadata="${METADATA}"`,
      ),
    ).toEqual([]);
    expect(bearerProblems('Basic realm="x", bearer')).toEqual([]);
  });

  it.each([
    ['Bearer realm="x', 'it does not parse: an unterminated quoted-string'],
    ['Basic realm="x"', 'it has no Bearer challenge'],
    ['Bearer realm="a", Bearer realm="b"', 'it has more than one Bearer challenge'],
    ['Bearer abc==', 'its Bearer challenge is a token68, not parameters'],
    ['Bearer realm=api', 'realm is not a quoted-string (realm=api): clients read realm="…"'],
    [`Bearer resource_metadata=x`, 'resource_metadata is not a quoted-string'],
    [
      'Bearer error="invalid_token", error_description="a \\"b\\""',
      'error_description has a character',
    ],
    ['Bearer error=""', 'error is empty'],
    ['Bearer error="é"', 'error has a character'],
    ['Bearer scope="a  b"', 'scope is not scope names separated by single spaces'],
    ['Bearer resource_metadata="/.well-known/x"', 'resource_metadata is not an absolute URL'],
  ])('finds the problem in %j', (header, problem) => {
    const problems = bearerProblems(header);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('; ')).toContain(problem);
  });
});

describe('bearerParam', () => {
  it("reads the Bearer challenge's parameter, not another challenge's", () => {
    expect(
      bearerParam(`Basic realm="x", Bearer realm="api", resource_metadata="${METADATA}"`, 'realm'),
    ).toBe('api');
    expect(bearerParam('Basic realm="x"', 'realm')).toBeUndefined();
  });

  it('falls back to name="…" when the header does not parse, as MCP clients read it', () => {
    expect(
      bearerParam(
        `Bearer error="invalid_token" resource_metadata="${METADATA}"`,
        'resource_metadata',
      ),
    ).toBe(METADATA);
    expect(bearerParam('Bearer error="x" nope', 'resource_metadata')).toBeUndefined();
  });
});
