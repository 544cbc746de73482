import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Flag, RRType, decodeMessage, encodeMessage, nameFromText, rdataFromText, rdataToText, tokenize, typeFromText, typeToText } from './index.js';
import type { Message, Rr } from './index.js';
import { RDATA_CASES } from './testdata/rdata-cases.js';
import { checkOne, corpus, mutate, prng } from './testdata/fuzz-core.js';
import { dnspython, hex } from './testdata/oracle.js';

const origin = nameFromText('example.com.');
const label = fc.stringMatching(/^[a-zA-Z0-9-]{1,12}$/);
const name = fc.array(label, { minLength: 0, maxLength: 4 }).map((ls) => nameFromText(ls.length ? `${ls.join('.')}.example.com.` : 'example.com.'));
const known = RDATA_CASES.filter(([t]) => t !== 'TSIG').map(([t, text]) => ({ type: typeFromText(t), rdata: rdataFromText(typeFromText(t), tokenize(text), origin) }));
const u16 = (v: number): number[] => [v >> 8, v & 255];
/** APL items (RFC 3123): family 1 or 2, any prefix up to its bits, the address trimmed of trailing zero octets. */
const aplItem = fc.record({ family: fc.constantFrom(1, 2), neg: fc.boolean(), prefix: fc.integer({ min: 0, max: 128 }), addr: fc.uint8Array({ maxLength: 16 }) })
  .map(({ family, neg, prefix, addr }) => {
    const a = Array.from(addr.subarray(0, family === 1 ? 4 : 16));
    while (a.length > 0 && a[a.length - 1] === 0) a.pop();
    return [...u16(family), Math.min(prefix, family === 1 ? 32 : 128), (neg ? 0x80 : 0) | a.length, ...a];
  });
/** The types added for PowerDNS compatibility (F31), generated field by field. */
const newTypes = fc.oneof(
  fc.tuple(fc.constantFrom(RRType.AFSDB, RRType.KX), fc.integer({ min: 0, max: 65535 }), name).map(([type, p, n]) => ({ type, rdata: Uint8Array.from([...u16(p), ...n]) })),
  fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ minLength: 1, maxLength: 48 }))
    .map(([t, tag, alg, cert]) => ({ type: RRType.CERT, rdata: Uint8Array.from([...u16(t), ...u16(tag), alg, ...cert]) })),
  fc.array(aplItem, { maxLength: 4 }).map((items) => ({ type: RRType.APL, rdata: Uint8Array.from(items.flat()) })),
);
const rdataFor = fc.oneof(
  fc.constantFrom(...known),
  newTypes,
  name.map((n) => ({ type: 2, rdata: n })),
  name.map((n) => ({ type: 5, rdata: n })),
  fc.tuple(fc.integer({ min: 0, max: 65535 }), name).map(([p, n]) => ({ type: 15, rdata: Uint8Array.from([p >> 8, p & 255, ...n]) })),
  fc.uint8Array({ minLength: 4, maxLength: 4 }).map((a) => ({ type: 1, rdata: a })),
  fc.uint8Array({ maxLength: 40 }).map((a) => ({ type: 65000, rdata: a })),
);
const rr: fc.Arbitrary<Rr> = fc.tuple(name, rdataFor, fc.integer({ min: 0, max: 0x7fffffff })).map(([n, r, ttl]) => ({ name: n, type: r.type, class: 1, ttl, rdata: r.rdata }));
const message: fc.Arbitrary<Message> = fc.record({
  id: fc.integer({ min: 0, max: 65535 }),
  flags: fc.integer({ min: 0, max: 65535 }).map((f) => f & ~0x780f & ~Flag.TC),
  opcode: fc.constantFrom(0, 4, 5),
  rcode: fc.integer({ min: 0, max: 15 }),
  questions: fc.array(fc.record({ name, type: fc.integer({ min: 1, max: 65535 }), class: fc.constant(1) }), { maxLength: 2 }),
  answers: fc.array(rr, { maxLength: 6 }),
  authority: fc.array(rr, { maxLength: 3 }),
  additional: fc.array(rr, { maxLength: 3 }),
  edns: fc.option(fc.record({
    udpSize: fc.integer({ min: 512, max: 65535 }), extRcode: fc.constant(0), version: fc.constant(0), do: fc.boolean(),
    flags: fc.constant(0), options: fc.array(fc.record({ code: fc.integer({ min: 0, max: 65535 }), data: fc.uint8Array({ maxLength: 20 }) }), { maxLength: 3 }),
  }).map((e) => ({ ...e, flags: e.do ? 0x8000 : 0 })), { nil: null }),
  tsig: fc.constant(null),
}).map((m) => ({ ...m, flags: m.flags | (m.opcode << 11) | m.rcode }));

test('property: encode -> decode gives the message back, decode -> encode -> decode is stable', { timeout: 30_000 }, () => {
  fc.assert(fc.property(message, fc.boolean(), (m, compress) => {
    const wire = encodeMessage(m, { compress });
    const d = decodeMessage(wire);
    assert.deepEqual(d, structuredClone(m));
    assert.deepEqual(encodeMessage(d, { compress }), wire);
  }), { numRuns: 300, seed: 20261130 });
});

test('seeded bounded fuzz of the decoder (<= 3 s)', { timeout: 30_000 }, () => {
  const seeds = corpus();
  const rnd = prng(0x5eed);
  const stop = Date.now() + 3000;
  let runs = 0;
  const failures: string[] = [];
  for (const s of seeds) {
    const f = checkOne(s);
    if (f) failures.push(`seed: ${f}`);
  }
  while (Date.now() < stop && runs < 200_000) {
    const buf = mutate(seeds[Math.floor(rnd() * seeds.length)]!, rnd);
    const f = checkOne(buf);
    if (f && failures.length < 5) failures.push(`${f}\n  input ${Buffer.from(buf).toString('hex')}`);
    runs++;
  }
  assert.deepEqual(failures, []);
  assert.ok(runs > 500, `only ${runs} runs`);
});

test('property: generated CERT, APL, AFSDB and KX rdata: our text reads back, and dnspython agrees both ways', { timeout: 30_000 }, () => {
  const cases = fc.sample(newTypes, { numRuns: 400, seed: 20261130 });
  const texts = cases.map((c) => rdataToText(c.type, c.rdata));
  cases.forEach((c, i) => assert.equal(hex(rdataFromText(c.type, tokenize(texts[i]!), origin)), hex(c.rdata), `${typeToText(c.type)} ${texts[i]}`));
  const answers = dnspython<{ wire?: string; text?: string; textError?: string; wireError?: string }>(
    // dnspython 2.3 spells algorithms 6 and 7 DSANSEC3SHA1 and RSASHA1NSEC3SHA1, not as BIND prints them
    cases.map((c, i) => ({ op: 'rdata', type: typeToText(c.type), text: texts[i]!.replace(/\bNSEC3DSA\b/, '6').replace(/\bNSEC3RSASHA1\b/, '7'), wire: hex(c.rdata) })));
  const problems: string[] = [];
  cases.forEach((c, i) => {
    const a = answers[i]!;
    const label = `${typeToText(c.type)} ${texts[i]}`;
    if (a.textError || a.wireError) problems.push(`${label}: dnspython refuses: ${a.textError ?? a.wireError}`);
    else if (a.wire !== hex(c.rdata)) problems.push(`${label}: dnspython reads our text to ${a.wire}`);
    else if (hex(rdataFromText(c.type, tokenize(a.text!), origin)) !== hex(c.rdata)) problems.push(`${label}: dnspython's text "${a.text}" reads to other wire`);
  });
  assert.deepEqual(problems.slice(0, 10), []);
});
