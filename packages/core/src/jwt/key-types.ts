export type { KeyObject } from 'node:crypto';
export type { JWK } from 'jose';
