// Per-tool scopes for MCP's Streamable HTTP transport: from MCP 2026-07-28 a POST names its
// JSON-RPC method and tool in the `Mcp-Method` and `Mcp-Name` headers, so the auth layer can
// decide before the body is read. The MCP server behind it must check the headers against the
// body (and refuse a mismatch), or a client could name a harmless tool in the header and call
// another in the body.

import { scopeGuard } from '../adapter/scope-guard.js';
import type { AuthState } from '../adapter/types.js';
import { AuthError } from '../auth-error.js';
import { AuthErrorCodes } from '../error-codes.js';
import { invalidRequest, noCredentials, notAuthenticated } from '../errors.js';
import { reportDenied } from '../lib/audit.js';
import { checkOptions } from '../lib/options.js';
import { headerValues, type RequestView } from '../request.js';
import type { Principal } from '../types.js';
import { challengeFor } from './policy.js';

/**
 * Options of every adapter's `requireToolScopes()`.
 *
 * @example
 * ```ts
 * const options: ToolScopesOptions = { tools: { read_file: ['files:read'], write_file: ['files:write'] } };
 * ```
 */
export interface ToolScopesOptions {
  /** Scopes a `tools/call` of each tool needs (all of them). */
  tools: Readonly<Record<string, readonly string[]>>;
  /** Scopes other MCP methods need (`resources/read`, `prompts/get`, …). Default: none. */
  methods?: Readonly<Record<string, readonly string[]>>;
  /**
   * A call of a tool missing from `tools`: `'deny'` (default) refuses it (401 without a
   * credential, else 403), so a tool added to the server but not here is never open by mistake;
   * a list of scopes requires those instead.
   */
  otherTools?: readonly string[] | 'deny';
  /**
   * The oldest `MCP-Protocol-Version` accepted: older clients do not send `Mcp-Method` and
   * `Mcp-Name`. Default `'2026-07-28'`.
   */
  minimumProtocolVersion?: string;
}

const VERSION = /^\d{4}-\d{2}-\d{2}$/;
// MCP method names (`tools/call`, `notifications/initialized`, `logging/setLevel`) and tool names
// (1–128 of letters, digits, `_`, `-`, `.`). A value outside them — two headers joined with `, `
// by a fetch runtime, another case — is refused, never matched loosely.
const METHOD = /^[a-z][A-Za-z]*(?:\/[a-z][A-Za-z]*)*$/;
const TOOL = /^[A-Za-z0-9_.-]{1,128}$/;
type Check = (state: AuthState) => AuthError | undefined;

/**
 * Build the check behind every adapter's `requireToolScopes()`: options checked at construction
 * (`TypeError`). Per request: a method other than POST passes; a POST without one `Mcp-Method`
 * (and, for `tools/call`, one `Mcp-Name`), or with an older `MCP-Protocol-Version`, is 400
 * `invalid_request`; otherwise the scopes of that tool or method are required like
 * `requireScope()` requires them (401 for no credential, 403 naming them, the authenticator's
 * scope hierarchy and resource metadata applied).
 *
 * @example
 * ```ts
 * const check = toolScopeGuard('requireToolScopes()', { tools: { deploy: ['deploy:run'] } });
 * const err = check(recallAuth(req), req.method, fromNodeRequest(req));
 * ```
 */
export function toolScopeGuard(
  where: string,
  options: ToolScopesOptions,
): (state: AuthState | undefined, method: string, request: RequestView) => AuthError | undefined {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: needs an options object: { tools: { name: scopes } }`);
  }
  checkOptions(where, options, ['tools', 'methods', 'otherTools', 'minimumProtocolVersion']);
  const minimum = options.minimumProtocolVersion ?? '2026-07-28';
  if (typeof minimum !== 'string' || !VERSION.test(minimum)) {
    throw new TypeError(`${where}: \`minimumProtocolVersion\` must be a date such as '2026-07-28'`);
  }
  // name → its check, or `undefined` for a name declared with no scopes.
  const table = (value: unknown, name: string): Map<string, Check | undefined> => {
    const checks = new Map<string, Check | undefined>();
    if (value === undefined) return checks;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TypeError(`${where}: \`${name}\` must be an object of name → scopes`);
    }
    for (const [key, scopes] of Object.entries(value)) {
      if (!Array.isArray(scopes)) {
        throw new TypeError(`${where}: \`${name}.${key}\` must be an array of scopes`);
      }
      checks.set(key, scopes.length > 0 ? scopeGuard('all', scopes) : undefined);
    }
    return checks;
  };
  const tools = table(options.tools, 'tools');
  if (options.tools === undefined) throw new TypeError(`${where}: \`tools\` is required`);
  const methods = table(options.methods, 'methods');
  const other = options.otherTools ?? 'deny';
  if (other !== 'deny' && !Array.isArray(other)) {
    throw new TypeError(`${where}: \`otherTools\` must be 'deny' or an array of scopes`);
  }
  const otherTools: Check | undefined =
    other === 'deny'
      ? (state) =>
          state.principal === null
            ? challengeFor(state, noCredentials(state.realm))
            : denyUnknown(state as AuthState & { principal: Principal })
      : other.length === 0
        ? undefined
        : scopeGuard('all', other);

  function denyUnknown(state: AuthState & { principal: Principal }): AuthError {
    reportDenied(state.authenticator, state.principal, []);
    return challengeFor(
      state,
      new AuthError({
        status: 403,
        error: 'insufficient_scope',
        code: AuthErrorCodes.INSUFFICIENT_SCOPE,
        description: 'No scope grants this tool',
        realm: state.realm,
      }),
    );
  }

  function refuse(state: AuthState, description: string): AuthError {
    return challengeFor(
      state,
      invalidRequest(AuthErrorCodes.MALFORMED_REQUEST, description, state.realm),
    );
  }

  return (state, method, request) => {
    if (state === undefined) {
      return notAuthenticated(where);
    }
    if (method.toUpperCase() !== 'POST') return undefined;
    const version = headerValues(request, 'mcp-protocol-version');
    if (
      version.length > 1 ||
      (version.length === 1 && (!VERSION.test(version[0]!) || version[0]! < minimum))
    ) {
      return refuse(state, `Per-tool authorization needs MCP ${minimum} or later`);
    }
    const mcpMethod = headerValues(request, 'mcp-method');
    if (mcpMethod.length !== 1 || !METHOD.test(mcpMethod[0]!)) {
      return refuse(state, 'One Mcp-Method header naming an MCP method is required');
    }
    let check: Check | undefined;
    if (mcpMethod[0] === 'tools/call') {
      const name = headerValues(request, 'mcp-name');
      if (name.length !== 1 || !TOOL.test(name[0]!)) {
        return refuse(state, 'One Mcp-Name header naming the tool is required');
      }
      check = tools.has(name[0]!) ? tools.get(name[0]!) : otherTools;
    } else {
      check = methods.get(mcpMethod[0]!);
    }
    return check?.(state);
  };
}
