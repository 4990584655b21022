// @portcullis/redis: revocation, API key invalidation, replay protection, rate limits and budgets
// shared by every instance through Redis.
export type { RedisClientLike, RedisClusterLike, RedisConnection } from './client.js';
export type { RedisDenyList, RedisDenyListOptions } from './deny-list.js';
export { redisDenyList } from './deny-list.js';
export type { RedisInvalidation, RedisInvalidationOptions } from './invalidation.js';
export { redisInvalidation } from './invalidation.js';
export type { RedisLimitStoreOptions } from './limit-store.js';
export { redisLimitStore } from './limit-store.js';
export type { RedisStoreOptions } from './options.js';
export type { RedisReplayStoreOptions } from './replay-store.js';
export { redisReplayStore } from './replay-store.js';
