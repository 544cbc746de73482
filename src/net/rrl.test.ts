import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RRL, ResponseRateLimiter, RrlAction, inCidr, parseAddress, parseCidr } from './rrl.js';

const client = (last: number): Uint8Array => new Uint8Array([198, 51, 100, last]);

test('a bucket allows `rate` answers a second, then slips every second limited answer', () => {
  const rrl = new ResponseRateLimiter({ ...DEFAULT_RRL, rate: 10 });
  const now = 1_000_000;
  const actions = Array.from({ length: 30 }, () => rrl.check(client(1), 42, now));
  assert.equal(actions.filter((a) => a === RrlAction.Send).length, 10);
  const limited = actions.slice(10);
  assert.equal(limited.filter((a) => a === RrlAction.Slip).length, 10);
  assert.equal(limited.filter((a) => a === RrlAction.Drop).length, 10);
  // One second later the bucket is full again.
  assert.equal(rrl.check(client(1), 42, now + 1000), RrlAction.Send);
});

test('the same /24 shares a bucket; another answer token or network does not', () => {
  const rrl = new ResponseRateLimiter({ ...DEFAULT_RRL, rate: 5, slip: 0 });
  for (let i = 0; i < 5; i++) assert.equal(rrl.check(client(i), 7, 0), RrlAction.Send);
  assert.equal(rrl.check(client(200), 7, 0), RrlAction.Drop);
  assert.equal(rrl.check(client(200), 8, 0), RrlAction.Send);
  assert.equal(rrl.check(new Uint8Array([203, 0, 113, 1]), 7, 0), RrlAction.Send);
});

test('loopback is exempt by default', () => {
  const rrl = new ResponseRateLimiter({ ...DEFAULT_RRL, rate: 1 });
  for (let i = 0; i < 50; i++) assert.equal(rrl.check(new Uint8Array([127, 0, 0, 1]), 1, 0), RrlAction.Send);
  const v6 = parseAddress('::1')!;
  for (let i = 0; i < 50; i++) assert.equal(rrl.check(v6, 1, 0), RrlAction.Send);
});

test('addresses and networks parse, and bad ones are refused with a reason', () => {
  assert.deepEqual([...parseAddress('2001:db8::1')!], [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual([...parseAddress('::ffff:192.0.2.1')!].slice(12), [192, 0, 2, 1]);
  assert.equal(parseAddress('1.2.3.256'), null);
  assert.equal(parseAddress('1::2::3'), null);
  assert.ok(inCidr(parseAddress('2001:db8:1::5')!, parseCidr('2001:db8::/32')));
  assert.ok(!inCidr(parseAddress('2001:db9::5')!, parseCidr('2001:db8::/32')));
  assert.ok(inCidr(parseAddress('10.1.2.3')!, parseCidr('10.0.0.0/9')));
  assert.ok(!inCidr(parseAddress('10.128.2.3')!, parseCidr('10.0.0.0/9')));
  assert.throws(() => parseCidr('10.0.0.0/33'), /prefix length/);
  assert.throws(() => parseCidr('nope'), /not an IP address/);
});
