// Start API instances in processes of their own (support/instance.js) and talk to them.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const INSTANCE = fileURLToPath(new URL('./instance.js', import.meta.url));

/** What every instance of a fleet is configured with. */
export interface FleetConfig {
  /** A standalone Redis URL, or… */
  url?: string;
  /** …the root nodes of a cluster (`redis://127.0.0.1:port`). */
  rootNodes?: string[];
  prefix: string;
  maxStaleness?: number;
  secret: string;
  issuer: string;
  audience: string;
}

/**
 * One API instance in its own process.
 *
 * @example
 * ```ts
 * const [a, b] = await startFleet(2, config);
 * await a.revoke(jti, exp);
 * expect(await b.verify(token)).toBe(401);
 * ```
 */
export interface Instance {
  /** 200, 401 or 503: what the instance answers for `token`. */
  verify(token: string): Promise<number>;
  /** Revoke on this instance; resolves with the epoch ms at which Redis had taken it. */
  revoke(jti: string, exp: number): Promise<number>;
  /** Resolves with the epoch ms at which this instance first refused `jti`. */
  watch(jti: string): Promise<number>;
  close(): Promise<void>;
  readonly process: ChildProcess;
}

function instance(child: ChildProcess): Instance {
  let next = 0;
  const waiting = new Map<number, (reply: Record<string, unknown>) => void>();
  child.on('message', (reply: Record<string, unknown>) => {
    const settle = waiting.get(reply.id as number);
    waiting.delete(reply.id as number);
    settle?.(reply);
  });
  function ask(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = next++;
    return new Promise((resolve, reject) => {
      waiting.set(id, (reply) =>
        reply.error === undefined ? resolve(reply) : reject(new Error(String(reply.error))),
      );
      child.send({ ...message, id });
    });
  }
  return {
    process: child,
    verify: async (token) => (await ask({ type: 'verify', token })).status as number,
    revoke: async (jti, exp) => (await ask({ type: 'revoke', jti, exp })).at as number,
    watch: async (jti) => (await ask({ type: 'watch', jti })).at as number,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await Promise.race([ask({ type: 'close' }), exited]);
      await exited;
    },
  };
}

/**
 * Start `count` instances on the same Redis and wait until each has loaded the revoked set.
 *
 * @example
 * ```ts
 * const fleet = await startFleet(3, { url, prefix, secret, issuer, audience });
 * ```
 */
export async function startFleet(count: number, config: FleetConfig): Promise<Instance[]> {
  return await Promise.all(
    Array.from({ length: count }, async () => {
      // No execArgv: vitest's `--conditions dev-source` would make the child load `.ts` sources.
      const child = fork(INSTANCE, [JSON.stringify(config)], {
        execArgv: [],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
        child.once('message', resolve);
        child.once('exit', (code) => reject(new Error(`instance exited with ${code}`)));
      });
      if (first.type !== 'ready') throw new Error(`instance failed: ${String(first.message)}`);
      return instance(child);
    }),
  );
}
