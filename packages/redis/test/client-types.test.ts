// The clients node-redis makes fit `client` as they are, with modules, scripts and RESP 2 or 3:
// checked by the type checker (`pnpm typecheck`), and at run time that a cluster is told apart.
import { createClient, createCluster, defineScript } from 'redis';
import { describe, expect, it } from 'vitest';
import type { RedisConnection } from '../src/index.js';
import { redisReplayStore } from '../src/index.js';

describe('client types', () => {
  it('accepts createClient() and createCluster() of every flavour', () => {
    const plain: RedisConnection = createClient();
    const resp2: RedisConnection = createClient({ RESP: 2 });
    const scripted: RedisConnection = createClient({
      scripts: {
        answer: defineScript({
          SCRIPT: 'return 42',
          NUMBER_OF_KEYS: 0,
          parseCommand() {},
          transformReply: (reply: unknown) => reply as number,
        }),
      },
    });
    const cluster: RedisConnection = createCluster({ rootNodes: [{ url: 'redis://127.0.0.1:1' }] });
    for (const client of [plain, resp2, scripted, cluster]) {
      // Not connected: refused with a clear message, at construction.
      expect(() => redisReplayStore({ client })).toThrow(/not connected/);
    }
  });
});
