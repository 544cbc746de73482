import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  BADSIG, Rcode, RRType, base64Decode, decodeMessage, encodeMessage, nameFromText, tsigAlgorithmName, tsigSign, tsigVerify,
} from './index.js';
import type { Hmac, HmacAlgorithm, Message, TsigKey } from './index.js';
import { dnspython, hex, unhex } from './testdata/oracle.js';

const hmac: Hmac = (alg, key, data) => createHmac(alg, key).update(data).digest();
const SECRET = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=';
const keyOf = (alg: HmacAlgorithm): TsigKey => ({ name: nameFromText('xfr-key.'), algorithm: tsigAlgorithmName(alg), secret: base64Decode(SECRET, 'key') });
const pyKey = (alg: HmacAlgorithm): object => ({ keyName: 'xfr-key.', secret: SECRET, algorithm: `hmac-${alg}.` });

function queryWire(id: number): Uint8Array {
  const m: Message = {
    id, flags: 0, opcode: 0, rcode: 0, questions: [{ name: nameFromText('example.'), type: RRType.AXFR, class: 1 }],
    answers: [], authority: [], additional: [], edns: null, tsig: null,
  };
  return encodeMessage(m);
}

interface TsigAnswer { verified?: { ok: boolean; mac?: string; error?: string }[]; signed?: string; mac?: string; chain?: string[]; query?: string; queryMac?: string }

test('our signatures verify in dnspython, and dnspython signatures verify here', { timeout: 30_000 }, () => {
  const algs: HmacAlgorithm[] = ['sha256', 'sha384', 'sha512', 'sha1'];
  const ours = algs.map((a) => tsigSign(queryWire(77), keyOf(a), hmac));
  const answers = dnspython<TsigAnswer>(algs.map((a, i) => ({ op: 'tsig', ...pyKey(a), verify: [hex(ours[i]!.message)], sign: hex(queryWire(78)) })));
  algs.forEach((a, i) => {
    const ans = answers[i]!;
    assert.deepEqual(ans.verified, [{ ok: true, mac: hex(ours[i]!.mac) }], a);
    const r = tsigVerify(unhex(ans.signed!), () => keyOf(a), hmac);
    assert.equal(r.error, 0, a);
    assert.equal(hex(r.mac!), ans.mac);
    assert.equal(decodeMessage(unhex(ans.signed!)).tsig!.type, RRType.TSIG);
  });
});

test('multi-message transfers (RFC 8945 §5.3.1) both ways', { timeout: 30_000 }, () => {
  const [py] = dnspython<TsigAnswer>([{ op: 'tsig', ...pyKey('sha256'), signChain: 3 }]);
  const key = keyOf('sha256');
  let prior = unhex(py!.queryMac!);
  py!.chain!.forEach((w, i) => {
    const r = tsigVerify(unhex(w), () => key, hmac, { requestMac: prior, timersOnly: i > 0 });
    assert.equal(r.error, 0, `message ${i}`);
    prior = r.mac!;
  });
  // our chain, answering dnspython's query
  const query = unhex(py!.query!);
  const q = tsigVerify(query, () => key, hmac);
  assert.equal(q.error, 0);
  const chain: string[] = [];
  let mac = q.mac!;
  for (let i = 0; i < 3; i++) {
    const msg = decodeMessage(query);
    msg.tsig = null;
    msg.flags |= 0x8000;
    msg.answers = [{ name: nameFromText('example.'), type: RRType.TXT, class: 1, ttl: 300, rdata: Uint8Array.from([1, 48 + i]) }];
    const s = tsigSign(encodeMessage(msg), key, hmac, { requestMac: mac, timersOnly: i > 0 });
    chain.push(hex(s.message));
    mac = s.mac;
  }
  const [check] = dnspython<TsigAnswer>([{ op: 'tsig', ...pyKey('sha256'), verify: chain, requestMac: hex(q.mac!) }]);
  assert.deepEqual(check!.verified!.map((v) => v.ok), [true, true, true], JSON.stringify(check));
});

test('errors: BADSIG, BADKEY, BADTIME, FORMERR', () => {
  const key = keyOf('sha256');
  const { message } = tsigSign(queryWire(9), key, hmac, { time: 1_000_000, fudge: 300 });
  assert.equal(tsigVerify(message, () => key, hmac, { now: 1_000_200 }).error, 0);
  assert.equal(tsigVerify(message, () => key, hmac, { now: 1_000_301 }).error, Rcode.BADTIME);
  assert.equal(tsigVerify(message, () => undefined, hmac, { now: 1_000_000 }).error, Rcode.BADKEY);
  assert.equal(tsigVerify(message, () => keyOf('sha512'), hmac, { now: 1_000_000 }).error, Rcode.BADKEY);
  const other = { ...key, secret: Uint8Array.of(1, 2, 3) };
  assert.equal(tsigVerify(message, () => other, hmac, { now: 1_000_000 }).error, BADSIG);
  const tampered = message.slice();
  tampered[13]! ^= 1;
  assert.equal(tsigVerify(tampered, () => key, hmac, { now: 1_000_000 }).error, BADSIG);
  assert.equal(tsigVerify(queryWire(9), () => key, hmac).error, Rcode.FORMERR);
  assert.equal(tsigVerify(message.subarray(0, message.length - 3), () => key, hmac).error, Rcode.FORMERR);
  // the ID may change in transit (forwarders): the original ID is what is signed
  const renumbered = message.slice();
  renumbered[0] = 0xaa;
  assert.equal(tsigVerify(renumbered, () => key, hmac, { now: 1_000_000 }).error, 0);
  // a BADTIME answer carries the server time in other data
  const bt = tsigSign(queryWire(9), key, hmac, { time: 5, error: Rcode.BADTIME });
  assert.equal(decodeMessage(bt.message).tsig!.rdata.length, 13 + 6 + 2 + 2 + 32 + 2 + 2 + 2 + 6);
});
