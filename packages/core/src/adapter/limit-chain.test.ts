import { describe, expect, it } from 'vitest';
import type { LimitAnswer } from '../limits/policy.js';
import type { Principal } from '../types.js';
import { type LimitCheck, runLimits, withAuthLimits } from './limit-chain.js';
import type { AuthState } from './types.js';

const principal: Principal = { method: 'api_key', subject: 'agent-1', scopes: [], keyId: 'k1' };
const state: AuthState = { principal, realm: 'api' };

describe('withAuthLimits', () => {
  it('builds the rate limit, then the budget, each checking its own options', async () => {
    expect(withAuthLimits({})).toEqual([]);
    const [rate, budget, extra] = withAuthLimits({
      budget: { quota: 5, period: 'day', name: 'spend' },
      rateLimit: { limit: 3, window: 60, name: 'calls' },
    });
    expect(extra).toBeUndefined();
    const first = await rate!(state);
    expect(first.error).toBeUndefined();
    expect(first.headers.map(([, value]) => value).join(' ')).toContain('"calls"');
    const second = await budget!(state);
    expect(second.budget).toBeDefined();
    expect(second.headers.map(([, value]) => value).join(' ')).toContain('"spend"');
    expect(() => withAuthLimits({ rateLimit: { limit: 0, window: 60 } })).toThrow(
      /withAuth\(\{ rateLimit \}\)/,
    );
  });

  it('refuses options that are not a plain object, naming the option', () => {
    for (const bad of [null, [], 'fast', 3]) {
      expect(() => withAuthLimits({ rateLimit: bad as never })).toThrow(
        new TypeError('withAuth(): `rateLimit` must be an options object'),
      );
      expect(() => withAuthLimits({ budget: bad as never })).toThrow(
        new TypeError('withAuth(): `budget` must be an options object'),
      );
    }
  });
});

describe('runLimits', () => {
  const pass = (name: string): LimitAnswer => ({ headers: [[name, 'ok']] });
  const now =
    (name: string, seen: string[]): LimitCheck =>
    () => {
      seen.push(name);
      return pass(name);
    };
  const later =
    (name: string, seen: string[]): LimitCheck =>
    () => {
      seen.push(name);
      return Promise.resolve(pass(name));
    };

  it('answers at once, in order, while every limit answers at once', () => {
    const seen: string[] = [];
    const taken: string[] = [];
    const result = runLimits(
      [now('a', seen), now('b', seen)],
      state,
      (answer) => {
        taken.push(answer.headers[0]![0]);
        return undefined;
      },
      () => 'handler',
    );
    expect(result).toBe('handler');
    expect(seen).toEqual(['a', 'b']);
    expect(taken).toEqual(['a', 'b']);
  });

  it('waits from the first limit that does not answer at once, then goes on in order', async () => {
    const seen: string[] = [];
    const result = runLimits(
      [now('a', seen), later('b', seen), now('c', seen)],
      state,
      () => undefined,
      () => 'handler',
    );
    expect(result).toBeInstanceOf(Promise);
    expect(seen).toEqual(['a', 'b']);
    expect(await result).toBe('handler');
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('stops at the first refusal, at once or after waiting, and never runs the handler', async () => {
    for (const make of [now, later]) {
      const seen: string[] = [];
      let ran = false;
      const result = await runLimits(
        [now('a', seen), make('b', seen), now('c', seen)],
        state,
        (answer) => (answer.headers[0]![0] === 'b' ? 'refused' : undefined),
        () => {
          ran = true;
          return 'handler';
        },
      );
      expect(result).toBe('refused');
      expect(seen).toEqual(['a', 'b']);
      expect(ran).toBe(false);
    }
  });
});
