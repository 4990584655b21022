// One way for core to warn the operator, on any runtime: `process.emitWarning` where the runtime
// has it (Node, Bun, Deno), else the console. Core reads no Node module.

/**
 * Emit a `PortcullisWarning` with `code`.
 *
 * @example
 * ```ts
 * portcullisWarning('a jwt() audience does not include the resource', 'PORTCULLIS_AUDIENCE_MISMATCH');
 * ```
 */
export function portcullisWarning(message: string, code: string): void {
  const proc = (globalThis as { process?: { emitWarning?: unknown } }).process;
  if (typeof proc?.emitWarning === 'function') {
    proc.emitWarning(message, { type: 'PortcullisWarning', code });
  } else {
    console.warn(`PortcullisWarning: ${message}`);
  }
}
