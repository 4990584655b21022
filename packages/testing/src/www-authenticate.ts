// A strict reader of `WWW-Authenticate` (RFC 9110 §11.6.1) and of what RFC 6750 §3 and RFC 9728
// §5.1 ask of a Bearer challenge, for checkResourceServer(): a client that cannot read the
// challenge never finds the resource metadata, however right the rest of the server is.

/** One parameter of a challenge: its value (unescaped) and whether it was a quoted-string. */
export interface ChallengeParam {
  readonly value: string;
  readonly quoted: boolean;
}

/** One challenge: its scheme as sent, its parameters by lower-case name, or its token68. */
export interface ParsedChallenge {
  readonly scheme: string;
  readonly params: ReadonlyMap<string, ChallengeParam>;
  readonly token68?: string;
}

/** What {@link parseChallenges} read, and why it stopped when the header does not parse. */
export interface ParsedHeader {
  readonly challenges: readonly ParsedChallenge[];
  /** Empty when the whole header parsed. */
  readonly problems: readonly string[];
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;
// RFC 9110 qdtext (with obs-text) and the characters a quoted-pair may escape.
const QDTEXT = /[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]/;
const QUOTABLE = /[\t \x21-\x7e\x80-\xff]/;
// RFC 6750 §3: error and error_description; scope-tokens (RFC 6749 §3.3 NQCHAR).
const ERROR_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
// Parameters clients read as `name="value"` (RFC 9110 §11.5 requires it of realm).
const QUOTED_PARAMS = ['realm', 'scope', 'error', 'error_description', 'error_uri'];

class Reader {
  i = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.i >= this.text.length;
  }
  peek(): string {
    return this.text[this.i] ?? '';
  }
  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i += 1;
  }
  token(): string {
    const start = this.i;
    while (!this.done && TCHAR.test(this.peek())) this.i += 1;
    return this.text.slice(start, this.i);
  }
  /** Whether `token BWS "="` (not `==`, a token68's padding) starts here. */
  atParam(): boolean {
    const start = this.i;
    const name = this.token();
    this.skipSpaces();
    const param = name !== '' && this.peek() === '=' && this.text[this.i + 1] !== '=';
    this.i = start;
    return param;
  }
}

function at(reader: Reader): string {
  const rest = reader.text.slice(reader.i, reader.i + 20);
  return reader.done ? 'at the end' : `at ${JSON.stringify(rest)} (position ${reader.i})`;
}

function quotedString(reader: Reader): string | { problem: string } {
  const start = reader.i;
  reader.i += 1;
  let value = '';
  while (!reader.done) {
    const c = reader.peek();
    if (c === '"') {
      reader.i += 1;
      return value;
    }
    if (c === '\\') {
      const next = reader.text[reader.i + 1] ?? '';
      if (!QUOTABLE.test(next)) return { problem: `a bad escape ${at(reader)}` };
      value += next;
      reader.i += 2;
      continue;
    }
    if (!QDTEXT.test(c)) return { problem: `a control character in a quoted-string ${at(reader)}` };
    value += c;
    reader.i += 1;
  }
  reader.i = start;
  return { problem: `an unterminated quoted-string ${at(reader)}` };
}

/** Skip `OWS "," OWS` and empty list elements; answers whether a comma was there. */
function skipCommas(reader: Reader): boolean {
  let comma = false;
  reader.skipSpaces();
  while (reader.peek() === ',') {
    comma = true;
    reader.i += 1;
    reader.skipSpaces();
  }
  return comma;
}

/**
 * Parse a `WWW-Authenticate` value (several challenges, and several header lines joined with
 * `, `, as Fetch's `Headers.get()` joins them) by RFC 9110's grammar.
 *
 * @example
 * ```ts
 * const { challenges, problems } = parseChallenges('Bearer realm="api", error="invalid_token"');
 * challenges[0]?.params.get('error')?.value; // 'invalid_token'
 * ```
 */
export function parseChallenges(header: string): ParsedHeader {
  const reader = new Reader(header);
  const challenges: ParsedChallenge[] = [];
  const fail = (problem: string): ParsedHeader => ({ challenges, problems: [problem] });
  skipCommas(reader);
  while (!reader.done) {
    const scheme = reader.token();
    if (scheme === '') return fail(`expected an auth scheme ${at(reader)}`);
    const params = new Map<string, ChallengeParam>();
    let token68: string | undefined;
    const after = reader.peek();
    reader.skipSpaces();
    if (!reader.done && reader.peek() !== ',') {
      if (after !== ' ') return fail(`expected a space after the scheme ${scheme} ${at(reader)}`);
      if (reader.atParam()) {
        // #auth-param: stop at the end, or at a comma followed by the next challenge's scheme.
        for (;;) {
          const name = reader.token().toLowerCase();
          reader.skipSpaces();
          reader.i += 1; // "="
          reader.skipSpaces();
          let param: ChallengeParam;
          if (reader.peek() === '"') {
            const value = quotedString(reader);
            if (typeof value !== 'string') return fail(value.problem);
            param = { value, quoted: true };
          } else {
            const value = reader.token();
            if (value === '') return fail(`expected a token or a quoted-string ${at(reader)}`);
            param = { value, quoted: false };
          }
          if (params.has(name)) return fail(`the parameter ${name} appears twice`);
          params.set(name, param);
          const comma = skipCommas(reader);
          if (reader.done) break;
          if (!comma) return fail(`expected "," between parameters ${at(reader)}`);
          if (!reader.atParam()) break;
        }
      } else {
        const start = reader.i;
        while (!reader.done && TOKEN68_CHAR.test(reader.peek())) reader.i += 1;
        if (reader.i === start) return fail(`expected parameters or a token68 ${at(reader)}`);
        while (reader.peek() === '=') reader.i += 1;
        token68 = reader.text.slice(start, reader.i);
        if (!skipCommas(reader) && !reader.done) {
          return fail(`expected "," after a token68 ${at(reader)}`);
        }
      }
    } else {
      skipCommas(reader);
    }
    challenges.push(token68 === undefined ? { scheme, params } : { scheme, params, token68 });
  }
  return { challenges, problems: [] };
}

/**
 * Problems with the Bearer challenge in a `WWW-Authenticate` value: that it does not parse, that
 * there is no Bearer challenge, that a parameter clients read as `name="value"` is not a
 * quoted-string, that `error`, `error_description` or `scope` use characters RFC 6750 §3 rules
 * out, or that `resource_metadata` is not an absolute URL. Empty when all is well.
 *
 * @example
 * ```ts
 * bearerProblems('Bearer error=invalid_token'); // ['error is not a quoted-string: …']
 * ```
 */
export function bearerProblems(header: string): string[] {
  const { challenges, problems } = parseChallenges(header);
  if (problems.length > 0) return [`it does not parse: ${problems[0]}`];
  const bearers = challenges.filter((c) => c.scheme.toLowerCase() === 'bearer');
  if (bearers.length === 0) return ['it has no Bearer challenge'];
  if (bearers.length > 1) return ['it has more than one Bearer challenge'];
  const bearer = bearers[0] as ParsedChallenge;
  const found: string[] = [];
  if (bearer.token68 !== undefined) found.push('its Bearer challenge is a token68, not parameters');
  for (const [name, param] of bearer.params) {
    const shown = `${name}=${param.quoted ? JSON.stringify(param.value) : param.value}`;
    if (param.quoted === false && (QUOTED_PARAMS.includes(name) || name === 'resource_metadata')) {
      found.push(`${name} is not a quoted-string (${shown}): clients read ${name}="…"`);
    }
    if ((name === 'error' || name === 'error_description') && !ERROR_TEXT.test(param.value)) {
      found.push(`${name} has a character RFC 6750 §3 rules out (" or \\ or non-ASCII): ${shown}`);
    }
    if (name === 'error' && param.value === '') found.push('error is empty');
    if (name === 'scope' && !param.value.split(' ').every((s) => SCOPE_TOKEN.test(s))) {
      found.push(`scope is not scope names separated by single spaces: ${shown}`);
    }
    if (name === 'resource_metadata' && !URL.canParse(param.value)) {
      found.push(`resource_metadata is not an absolute URL: ${shown}`);
    }
  }
  return found;
}

/**
 * A parameter of the Bearer challenge in a `WWW-Authenticate` value: from the parsed header, or,
 * when the header does not parse, read as MCP clients read it (`name="…"`).
 *
 * @example
 * ```ts
 * bearerParam('Bearer resource_metadata="https://x.test/.well-known/oauth-protected-resource"', 'resource_metadata');
 * ```
 */
export function bearerParam(header: string, name: string): string | undefined {
  const { challenges, problems } = parseChallenges(header);
  if (problems.length === 0) {
    const bearer = challenges.find((c) => c.scheme.toLowerCase() === 'bearer');
    return bearer?.params.get(name)?.value;
  }
  return new RegExp(`(?:^|[\\s,])${name}\\s*=\\s*"([^"]*)"`, 'i').exec(header)?.[1];
}
