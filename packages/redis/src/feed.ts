// A feed of numbered messages on one Redis channel, and how sure this instance is that it has
// heard every one of them.
//
// Every message a writer publishes carries the next value of a counter key, bumped in the same
// script that writes the state (the deny-list entry, the invalidation), so a message and its state
// are one atomic step. Each instance also publishes heartbeats to a channel of its own on the
// same connection path, each carrying the counter's value when the heartbeat was published.
// Redis delivers one connection's messages in the order it published them (one slot, one shard),
// so when a heartbeat sent at time T comes back with the counter equal to the last message heard,
// every message published before T has been heard: the feed is confirmed as of T.
//
// Anything else (a gap in the numbers, a heartbeat ahead of what was heard, a counter that went
// back because Redis lost its data, a reconnecting subscriber) means messages may be lost: the
// feed stops confirming, and the next heartbeat that arrives (proof the subscription is live
// again) starts a resync: the feed reads the counter, then the owner's `resync()` reads the state
// again; numbers heard meanwhile must continue from that counter value.
import { randomUUID } from 'node:crypto';
import type { Commander, Subscriber } from './client.js';
import { Script } from './client.js';

// KEYS[1] = counter. ARGV = publish command, heartbeat channel, sent-at.
const HEARTBEAT = new Script(`
local n = redis.call('GET', KEYS[1]) or '0'
redis.call(ARGV[1], ARGV[2], ARGV[3] .. ' ' .. n)
return n`);

/**
 * The names a feed uses, all under one hash tag so a cluster keeps them in one slot.
 *
 * @example
 * ```ts
 * const names = feedNames('{portcullis:deny}');
 * ```
 */
export interface FeedNames {
  /** The counter key. */
  readonly counter: string;
  /** The channel of numbered messages. */
  readonly channel: string;
}

/**
 * The counter key and channel under `tag` (which holds its own `{…}`).
 *
 * @example
 * ```ts
 * feedNames('{portcullis:deny}'); // { counter: '{portcullis:deny}:n', channel: '{portcullis:deny}:c' }
 * ```
 */
export function feedNames(tag: string): FeedNames {
  return { counter: `${tag}:n`, channel: `${tag}:c` };
}

/**
 * What a feed's owner provides.
 *
 * @example
 * ```ts
 * new Feed({ redis, tag, staleAfter: 1000, apply, resync, lost });
 * ```
 */
export interface FeedOptions {
  redis: Commander;
  /** The hash tag, braces included, shared by the counter, the channels and the owner's keys. */
  tag: string;
  /** Milliseconds after the last confirmation that the feed stops being fresh. */
  staleAfter: number;
  /** Apply one message's body: always, whatever the feed's state. */
  apply(body: string): void;
  /** Read the whole state again (the feed has just read the counter). */
  resync(): void | Promise<void>;
  /** Messages may have been lost (called at once, before any resync). */
  lost?(): void;
}

function parseNumbered(message: string): [number, string] | undefined {
  const space = message.indexOf(' ');
  if (space <= 0) return undefined;
  const n = Number(message.slice(0, space));
  return Number.isSafeInteger(n) ? [n, message.slice(space + 1)] : undefined;
}

/**
 * A numbered feed on one channel with its heartbeat; see the top of this file.
 *
 * @example
 * ```ts
 * const feed = new Feed(options);
 * await feed.start(10_000, 'redisDenyList()');
 * if (feed.fresh) answerFromReplica();
 * ```
 */
export class Feed {
  readonly #o: FeedOptions;
  readonly #names: FeedNames;
  readonly #heartbeatChannel: string;
  readonly #interval: number;
  #subscriber: Subscriber | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #heartbeatInFlight = false;
  #closed = false;

  /** Counter value of the last message accounted for. */
  #last = 0;
  /** Whether every message up to `#last` has been heard and applied. */
  #synced = false;
  /** Numbers heard while a resync runs, checked against its counter value when it ends. */
  #pending: number[] | undefined;
  /** performance.now() of the latest confirmation. */
  #confirmedAt = Number.NEGATIVE_INFINITY;
  #firstSync: { resolve(): void; promise: Promise<void> };
  /** Bumped whenever messages may have been lost: a resync that spans a bump does not count. */
  #epoch = 0;

  constructor(options: FeedOptions) {
    this.#o = options;
    this.#names = feedNames(options.tag);
    this.#heartbeatChannel = `${options.tag}:h:${randomUUID()}`;
    // Four heartbeats per staleness window: one slow heartbeat does not make the feed stale.
    this.#interval = Math.max(5, Math.min(1000, Math.floor(options.staleAfter / 4)));
    let resolve!: () => void;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    this.#firstSync = { resolve, promise };
  }

  get names(): FeedNames {
    return this.#names;
  }

  /** Confirmed within the last `staleAfter` ms (a resync may be due; what was heard still holds). */
  get fresh(): boolean {
    return performance.now() - this.#confirmedAt <= this.#o.staleAfter;
  }

  /** Fresh, and no message is known to be missing. */
  get live(): boolean {
    return this.#synced && this.fresh;
  }

  /**
   * Subscribe, heartbeat, and resolve once the first resync has completed; reject (and close)
   * when it has not within `timeout` ms.
   */
  async start(timeout: number, factory: string): Promise<void> {
    const { redis } = this.#o;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const abandon = new AbortController();
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `${factory}: Redis did not answer within ${timeout} ms (connectTimeout): could not subscribe and load`,
            ),
          ),
        timeout,
      );
    });
    try {
      const subscribing = (async () => {
        const subscriber = await redis.subscriber(() => this.#markLost(), abandon.signal);
        if (this.#closed) {
          await subscriber.close();
          return;
        }
        this.#subscriber = subscriber;
        await this.#subscriber.subscribe([this.#names.channel], (m) => this.#onMessage(m));
        await this.#subscriber.subscribe([this.#heartbeatChannel], (m) => this.#onHeartbeat(m));
        this.#timer = setInterval(() => this.#heartbeat(), this.#interval);
        this.#timer.unref?.();
        this.#heartbeat();
        await this.#firstSync.promise;
      })();
      subscribing.catch(() => {});
      await Promise.race([subscribing, deadline]);
    } catch (err) {
      abandon.abort();
      await this.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stop the heartbeat and close the subscriber connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#synced = false;
    this.#confirmedAt = Number.NEGATIVE_INFINITY;
    clearInterval(this.#timer);
    await this.#subscriber?.close().catch(() => {});
  }

  #markLost(): void {
    this.#epoch++;
    if (this.#synced) this.#o.lost?.();
    this.#synced = false;
  }

  #heartbeat(): void {
    if (this.#heartbeatInFlight || this.#closed) return;
    this.#heartbeatInFlight = true;
    const { redis } = this.#o;
    const sentAt = performance.now().toFixed(3);
    redis
      .run(HEARTBEAT, [this.#names.counter], [redis.publish, this.#heartbeatChannel, sentAt])
      .catch(() => {
        // Redis did not take it: no confirmation, so the feed turns stale on its own.
      })
      .finally(() => {
        this.#heartbeatInFlight = false;
      });
  }

  #onMessage(message: string): void {
    const numbered = parseNumbered(message);
    if (numbered === undefined) return;
    const [n, body] = numbered;
    this.#o.apply(body);
    if (this.#pending !== undefined) this.#pending.push(n);
    else if (this.#synced) {
      if (n === this.#last + 1) this.#last = n;
      else this.#markLost();
    }
  }

  #onHeartbeat(message: string): void {
    // `<sent-at> <counter>`
    const space = message.indexOf(' ');
    const sentAt = Number(message.slice(0, space));
    const n = Number(message.slice(space + 1));
    if (space <= 0 || !Number.isFinite(sentAt) || !Number.isSafeInteger(n)) return;
    if (this.#pending !== undefined) return;
    if (!this.#synced) {
      // The subscription is live (this heartbeat came through it): read the state again.
      void this.#resync();
      return;
    }
    if (n !== this.#last) {
      this.#markLost();
      return;
    }
    if (sentAt > this.#confirmedAt) this.#confirmedAt = sentAt;
  }

  async #resync(): Promise<void> {
    const startedAt = performance.now();
    const epoch = this.#epoch;
    this.#pending = [];
    let from: number;
    try {
      const { counter } = this.#names;
      from = Number((await this.#o.redis.call(counter, ['GET', counter])) ?? 0);
      await this.#o.resync();
    } catch {
      this.#pending = undefined;
      return; // Redis could not answer: the next heartbeat that comes through tries again.
    }
    const heard = this.#pending;
    this.#pending = undefined;
    if (this.#closed || epoch !== this.#epoch) return;
    let last = from;
    for (const n of heard) {
      if (n <= from) continue;
      if (n !== last + 1) return; // a gap while reading: stay unsynced, try again
      last = n;
    }
    this.#last = last;
    this.#synced = true;
    if (startedAt > this.#confirmedAt) this.#confirmedAt = startedAt;
    this.#firstSync.resolve();
  }
}
