import { describe, expect, it } from 'vitest';
import { tamper } from './tamper.js';

const CANONICAL = /^[A-Za-z0-9_-]*$/;

describe('tamper', () => {
  it('changes only the signature and keeps it canonical base64url of the same length', () => {
    const signature = Buffer.alloc(32, 7).toString('base64url');
    const token = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.${signature}`;
    const bad = tamper(token);
    const [h, p, s] = bad.split('.');
    expect(`${h}.${p}`).toBe('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0');
    expect(s).not.toBe(signature);
    expect(s).toHaveLength(43);
    expect(s).toMatch(CANONICAL);
    expect(Buffer.from(s as string, 'base64url').toString('base64url')).toBe(s);
  });

  it('refuses what is not a signed compact JWS', () => {
    expect(() => tamper('a.b')).toThrow(TypeError);
    expect(() => tamper('a.b.')).toThrow(TypeError);
    expect(() => tamper('a.b.=x')).toThrow(TypeError);
  });
});
