import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FULL_ACCESS, nameMatches, scopeAllows, scopesAllow } from './scope.js';
import type { Access, Scope } from './scope.js';
import { scopeFromJson } from './scope-json.js';

describe('scopes', () => {
  it('name patterns: a * label stands for one or more labels', () => {
    assert.ok(nameMatches('_acme-challenge.*', '_acme-challenge.www.example.org.'));
    assert.ok(nameMatches('_acme-challenge.*.', '_ACME-challenge.example.org'));
    assert.ok(!nameMatches('_acme-challenge.*', '_acme-challenge.'));
    assert.ok(!nameMatches('_acme-challenge.*', 'www._acme-challenge.example.org.'));
    assert.ok(nameMatches('*.example.org.', 'a.b.example.org.'));
    assert.ok(!nameMatches('*.example.org.', 'example.org.'));
    assert.ok(nameMatches('www.example.org', 'WWW.example.org.'));
  });

  const cases: [string, Scope, Access, boolean][] = [
    ['full access writes anything', FULL_ACCESS, { zone: 'example.org.', name: 'a.example.org.', type: 'A', write: true }, true],
    ['full access changes server settings', FULL_ACCESS, { write: true }, true],
    ['read-only reads', { readOnly: true }, { zone: 'example.org.', write: false }, true],
    ['read-only refuses a write', { readOnly: true }, { zone: 'example.org.', name: 'a.example.org.', type: 'A', write: true }, false],
    ['zones: inside', { zones: ['example.org.'], readOnly: false }, { zone: 'example.org.', name: 'x.example.org.', type: 'A', write: true }, true],
    ['zones: other zone refused', { zones: ['example.org.'], readOnly: false }, { zone: 'example.com.', write: false }, false],
    ['zones: wildcard covers zones below', { zones: ['*.example.org.'], readOnly: false }, { zone: 'lab.example.org.', write: true }, true],
    ['zones: zone-wide write allowed (delete, metadata)', { zones: ['example.org.'], readOnly: false }, { zone: 'example.org.', write: true }, true],
    ['zones: server-wide write refused', { zones: ['example.org.'], readOnly: false }, { write: true }, false],
    ['server-wide read open to any scope', { zones: ['example.org.'], readOnly: true }, { write: false }, true],
    ['names: matching name', { names: ['_acme-challenge.*'], readOnly: false }, { zone: 'example.org.', name: '_acme-challenge.example.org.', type: 'TXT', write: true }, true],
    ['names: other name refused', { names: ['_acme-challenge.*'], readOnly: false }, { zone: 'example.org.', name: 'www.example.org.', type: 'A', write: true }, false],
    ['names: zone-wide read allowed', { names: ['_acme-challenge.*'], readOnly: false }, { zone: 'example.org.', write: false }, true],
    ['names: zone-wide write refused', { names: ['_acme-challenge.*'], readOnly: false }, { zone: 'example.org.', write: true }, false],
    ['types: listed type', { types: ['TXT'], readOnly: false }, { zone: 'example.org.', name: 'a.example.org.', type: 'txt', write: true }, true],
    ['types: other type refused', { types: ['TXT'], readOnly: false }, { zone: 'example.org.', name: 'a.example.org.', type: 'A', write: true }, false],
    ['types: zone-wide write refused', { types: ['TXT'], readOnly: false }, { zone: 'example.org.', write: true }, false],
    ['cert-manager scope: TXT under _acme-challenge', { zones: ['example.org.'], names: ['_acme-challenge.*'], types: ['TXT'], readOnly: false },
      { zone: 'example.org.', name: '_acme-challenge.www.example.org.', type: 'TXT', write: true }, true],
    ['cert-manager scope: A under _acme-challenge refused', { zones: ['example.org.'], names: ['_acme-challenge.*'], types: ['TXT'], readOnly: false },
      { zone: 'example.org.', name: '_acme-challenge.www.example.org.', type: 'A', write: true }, false],
  ];
  for (const [what, scope, access, want] of cases) {
    it(what, () => assert.equal(scopeAllows(scope, access), want));
  }

  it('several scopes: any one allows', () => {
    const s: Scope[] = [{ zones: ['a.org.'], readOnly: true }, { zones: ['b.org.'], readOnly: false }];
    assert.ok(scopesAllow(s, { zone: 'b.org.', name: 'x.b.org.', type: 'A', write: true }));
    assert.ok(!scopesAllow(s, { zone: 'a.org.', name: 'x.a.org.', type: 'A', write: true }));
    assert.ok(!scopesAllow([], { zone: 'a.org.', write: false }));
  });

  it('scopes from JSON: checked, normalised, unknown fields refused', () => {
    assert.deepEqual(scopeFromJson({ zones: ['Example.org.'], types: ['txt'], readOnly: true }), { zones: ['example.org.'], types: ['TXT'], readOnly: true });
    assert.throws(() => scopeFromJson({ zone: ['x'] }), /zone: unknown field/);
    assert.throws(() => scopeFromJson({ types: 'TXT' }), /types: expected a list/);
  });
});
