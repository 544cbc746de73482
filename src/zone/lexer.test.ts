import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ZoneLexer, type ZoneEntry } from './lexer.js';
import { ZoneFileError } from './errors.js';

function lexAll(text: string): ZoneEntry[] {
  const lx = new ZoneLexer(text, 't.zone');
  const out: ZoneEntry[] = [];
  for (let e = lx.next(); e; e = lx.next()) out.push(e);
  return out;
}
const texts = (e: ZoneEntry): string[] => e.tokens.map((t) => t.text);

test('tokens, comments, blank owners', () => {
  const es = lexAll('a 300 IN A 1.2.3.4 ; comment\n\n   ; only a comment\n\tTXT "x ; y" z\n');
  assert.equal(es.length, 2);
  assert.deepEqual(texts(es[0]!), ['a', '300', 'IN', 'A', '1.2.3.4']);
  assert.equal(es[0]!.blankOwner, false);
  assert.deepEqual(texts(es[1]!), ['TXT', 'x ; y', 'z']);
  assert.equal(es[1]!.blankOwner, true);
  assert.equal(es[1]!.tokens[1]!.quoted, true);
  assert.equal(es[1]!.line, 4);
  assert.equal(es[1]!.tokens[2]!.column, 14);
});

test('parentheses join lines; comments inside them', () => {
  const es = lexAll('@ SOA ns hm ( 1 ; serial\n  2 3\n  4 5 )\nb A 1.1.1.1');
  assert.equal(es.length, 2);
  assert.deepEqual(texts(es[0]!), ['@', 'SOA', 'ns', 'hm', '1', '2', '3', '4', '5']);
  assert.deepEqual(texts(es[1]!), ['b', 'A', '1.1.1.1']);
  assert.equal(es[1]!.line, 4);
});

test('escapes stay raw and do not split tokens', () => {
  const es = lexAll('a\\ b\\;c\\. TXT "say \\"hi\\" (x)" \\040\n');
  assert.deepEqual(texts(es[0]!), ['a\\ b\\;c\\.', 'TXT', 'say \\"hi\\" (x)', '\\040']);
  const e3 = lexAll('s HTTPS 1 . alpn="h2,h3 x" port=443\n');
  assert.deepEqual(texts(e3[0]!), ['s', 'HTTPS', '1', '.', 'alpn="h2,h3 x"', 'port=443']);
  const e2 = lexAll('x TXT ""\r\n');
  assert.deepEqual(texts(e2[0]!), ['x', 'TXT', '']);
});

test('unbalanced parentheses and quotes are refused with a position', () => {
  assert.throws(() => lexAll('a A (1.2.3.4\n'), (e: unknown) =>
    e instanceof ZoneFileError && e.line === 1 && e.column === 5 && /never closed/.test(e.message));
  assert.throws(() => lexAll('a A 1.2.3.4\nb A )\n'), (e: unknown) =>
    e instanceof ZoneFileError && e.line === 2 && e.column === 5);
  assert.throws(() => lexAll('a TXT "abc\n"'), (e: unknown) => e instanceof ZoneFileError && e.line === 1);
  assert.throws(() => lexAll('a TXT "abc'), ZoneFileError);
});
