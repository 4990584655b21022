import { describe, expect, it } from 'vitest';
import { normalizeHtu, requestHtu } from './dpop-htu.js';

describe('normalizeHtu', () => {
  it.each([
    ['https://api.example.com/a', 'https://api.example.com/a'],
    ['HTTPS://API.EXAMPLE.COM/a', 'https://api.example.com/a'],
    ['https://api.example.com:443/a', 'https://api.example.com/a'],
    ['http://localhost:80/a', 'http://localhost/a'],
    ['https://api.example.com:8443/a', 'https://api.example.com:8443/a'],
    ['https://api.example.com', 'https://api.example.com/'],
    ['https://api.example.com/a?b=1#c', 'https://api.example.com/a'],
    ['https://api.example.com/a/./b/../c', 'https://api.example.com/a/c'],
    ['https://api.example.com/%7euser/%41%2d%2E%5F', 'https://api.example.com/~user/A-._'],
    ['https://api.example.com/a%2fb%3a', 'https://api.example.com/a%2Fb%3A'],
    ['https://api.example.com/caf\u00e9', 'https://api.example.com/caf%C3%A9'],
    ['https://api.example.com/caf%c3%a9', 'https://api.example.com/caf%C3%A9'],
    ['https://b\u00fccher.example/a', 'https://xn--bcher-kva.example/a'],
  ])('normalises %s to %s', (value, expected) => {
    expect(normalizeHtu(value)).toBe(expected);
  });

  it.each([
    '/a',
    'api.example.com/a',
    'ftp://api.example.com/a',
    'https://u@api.example.com/a',
    'https://u:p@api.example.com/',
    'https://',
    '',
  ])('refuses %s', (value) => {
    expect(normalizeHtu(value)).toBeUndefined();
  });
});

describe('requestHtu', () => {
  const origin = 'https://api.example.com';

  it.each([
    ['/orders/7', 'https://api.example.com/orders/7'],
    ['/orders/7?expand=items', 'https://api.example.com/orders/7'],
    ['/orders/7#x', 'https://api.example.com/orders/7'],
    ['/', 'https://api.example.com/'],
    ['/?q', 'https://api.example.com/'],
    ['/a/%7e', 'https://api.example.com/a/~'],
    // Never resolved against the origin: these stay paths on it.
    ['//evil.example/x', 'https://api.example.com//evil.example/x'],
    ['/@evil.example/x', 'https://api.example.com/@evil.example/x'],
    ['/\\evil.example/x', 'https://api.example.com//evil.example/x'],
    // Absolute-form: only its path counts.
    ['https://evil.example/x?y', 'https://api.example.com/x'],
    ['HTTP://EVIL.example:81/x', 'https://api.example.com/x'],
  ])('turns %s into %s', (target, expected) => {
    expect(requestHtu(origin, target)).toBe(expected);
  });

  it.each(['*', 'api.example.com:443', '', 'orders/7', 'mailto:a@b.example', 'http://[bad/x'])(
    'refuses the target %s',
    (target) => {
      expect(requestHtu(origin, target)).toBeUndefined();
    },
  );
});
