import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandTemplate, parseGenerateRange } from './generate.js';

test('plain $ and escapes', () => {
  assert.equal(expandTemplate('host-$', 7), 'host-7');
  assert.equal(expandTemplate('a\\$b$$c$', 3), 'a\\$b\\$c3');
  assert.equal(expandTemplate('noop', 3), 'noop');
});

test('modifiers match BIND (named-checkzone -D output)', () => {
  // from named-checkzone: ${10,4,x} of 0,7,14 is 000a,0011,0018; ${0,3,n} of 0,7,14 is 0.0, 7.0, e.0
  assert.equal(expandTemplate('${10,4,x}', 0), '000a');
  assert.equal(expandTemplate('${10,4,x}', 7), '0011');
  assert.equal(expandTemplate('x${0,3,n}', 14), 'xe.0');
  assert.equal(expandTemplate('${0,8,N}', 10), 'A.0.0.0.');
  assert.equal(expandTemplate('${-1}', 5), '4');
  assert.equal(expandTemplate('${0,3}', 5), '005');
  assert.equal(expandTemplate('${0,0,o}', 8), '10');
  assert.equal(expandTemplate('${0,0,X}', 255), 'FF');
  assert.equal(expandTemplate('${0,0,n}', 0x1234), '4.3.2.1');
});

test('bad modifiers and ranges', () => {
  assert.throws(() => expandTemplate('${1,2,q}', 1), /base/);
  assert.throws(() => expandTemplate('${1', 1), /closing/);
  assert.throws(() => expandTemplate('${x}', 1), /offset/);
  assert.throws(() => expandTemplate('${-5}', 1), /negative/);
  assert.deepEqual(parseGenerateRange('1-10/3'), { start: 1, stop: 10, step: 3 });
  assert.throws(() => parseGenerateRange('10-1'), /below/);
  assert.throws(() => parseGenerateRange('1-x'));
  assert.throws(() => parseGenerateRange('0-99999999'), /more than/);
});

test('a single quoted rhs is rdata text split after expansion (BIND)', async () => {
  const { generateTokens } = await import('./generate.js');
  const at = { line: 1, column: 1 };
  const toks = generateTokens({ text: 'h$', quoted: false, ...at }, [{ text: 'MX', quoted: false, ...at }],
    [{ text: '10 mail$', quoted: true, ...at }], 4);
  assert.deepEqual(toks.map((t) => t.text), ['h4', 'MX', '10', 'mail4']);
});
