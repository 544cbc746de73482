import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Router } from './router.js';

describe('Router', () => {
  const r = new Router(
    [
      { sni: ['example.com'], alpn: undefined, pool: 'apex' },
      { sni: ['*.example.com'], alpn: undefined, pool: 'wild' },
      { sni: ['*.deep.example.com'], alpn: undefined, pool: 'deep' },
      { sni: ['www.deep.example.com'], alpn: undefined, pool: 'www' },
      { sni: ['example.com'], alpn: ['acme-tls/1'], pool: 'acme' },
      { sni: [], alpn: ['ssh-over-tls'], pool: 'any-alpn' },
    ],
    'fallback',
  );
  const cases: [string | undefined, string[], string, string][] = [
    ['example.com', [], 'apex', 'example.com'],
    ['example.com', ['h2', 'acme-tls/1'], 'acme', 'example.com'],
    ['a.example.com', [], 'wild', '*.example.com'],
    ['a.b.c.example.com', [], 'wild', '*.example.com'],
    ['x.deep.example.com', [], 'deep', '*.deep.example.com'],
    ['deep.example.com', [], 'wild', '*.example.com'],
    ['www.deep.example.com', [], 'www', 'www.deep.example.com'],
    ['notexample.com', [], 'fallback', 'default'],
    ['example.org', ['ssh-over-tls'], 'any-alpn', 'alpn:ssh-over-tls'],
    [undefined, [], 'fallback', 'default'],
  ];
  for (const [sni, alpn, pool, rule] of cases) {
    it(`${sni ?? '(no sni)'} ${alpn.join(',')} → ${pool}`, () => assert.deepEqual(r.route(sni, alpn), { pool, rule }));
  }

  it('names are case-insensitive with the trailing dot ignored in rules', () => {
    const x = new Router([{ sni: ['API.Example.NET.'], alpn: undefined, pool: 'p' }], undefined);
    assert.equal(x.route('api.example.net', [])?.pool, 'p');
    assert.equal(x.route('other.net', []), undefined, 'no default → no route');
    assert.equal(x.onlyDefault, false);
    assert.equal(new Router([], 'd').onlyDefault, true);
  });
});
