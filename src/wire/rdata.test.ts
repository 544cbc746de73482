import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RRType, WireError, nameFromText, nameToText, rdataFromText, rdataToText, rdataCanonical, rdataNames, rdataValidate,
  soaSerial, soaMinimum, rrsigTypeCovered, nsecTypes, nsec3Types, typeBitmapHas, tokenize, typeFromText, typeToText,
  classFromText, classToText, isTypeText, isClassText, rrFromText, rrToText, ttlFromText,
} from './index.js';
import { PDNS_CASES } from './testdata/rdata-cases.js';
import { hex } from './testdata/oracle.js';

const origin = nameFromText('example.com.');
const wire = (t: string, text: string): Uint8Array => rdataFromText(typeFromText(t), tokenize(text), origin);
const syntaxMessage = (t: string, text: string): string => {
  try {
    wire(t, text);
  } catch (e) {
    assert.ok(e instanceof WireError);
    assert.equal(e.code, 'GDNS_ERR_WIRE_SYNTAX');
    return e.message;
  }
  return 'no error';
};

test('syntax errors name the field and why', () => {
  assert.equal(syntaxMessage('MX', 'x mail'), 'MX preference: "x" is not a number 0-65535');
  assert.equal(syntaxMessage('MX', '10'), 'MX exchange: missing');
  assert.equal(syntaxMessage('A', '1.2.3'), 'A address: "1.2.3" is not an IPv4 address');
  assert.equal(syntaxMessage('A', '1.2.3.4 5'), 'A: unexpected "5" after the last field');
  assert.match(syntaxMessage('AAAA', '1::2::3'), /AAAA address/);
  assert.match(syntaxMessage('DS', '1 8 2 XYZ'), /DS digest: "XYZ" is not hexadecimal/);
  assert.match(syntaxMessage('TYPE999', 'abc'), /unknown type/);
  assert.match(syntaxMessage('A', '\\# 3 010203'), /not valid A data/);
  assert.match(syntaxMessage('HTTPS', '1 . port=99999'), /port/);
  assert.match(syntaxMessage('HTTPS', '1 . alpn=h2 alpn=h3'), /twice/);
  assert.match(syntaxMessage('CAA', '0 is-sue "x"'), /CAA tag/);
  assert.match(syntaxMessage('HINFO', `"${'x'.repeat(256)}" "y"`), /HINFO cpu: string longer than 255/);
});

test('RFC 3597 generic rdata for any type', () => {
  assert.equal(rdataToText(1, wire('A', '\\# 4 C0000201')), '192.0.2.1');
  assert.equal(hex(wire('TYPE65534', '\\# 0')), '');
  assert.equal(rdataToText(65534, Uint8Array.from([1, 2])), '\\# 2 0102');
  assert.equal(rdataToText(RRType.A, Uint8Array.from([1, 2])), '\\# 2 0102');
});

test('TXT strings over 255 octets are split', () => {
  const w = wire('TXT', `"${'a'.repeat(300)}"`);
  assert.equal(w.length, 302);
  assert.equal(w[0], 255);
  assert.equal(w[256], 45);
});

test('PowerDNS ALIAS and LUA', () => {
  for (const [t, text] of PDNS_CASES) assert.equal(rdataToText(typeFromText(t), wire(t, text)), text);
  assert.equal(typeFromText('ALIAS'), 65401);
  assert.equal(typeFromText('lua'), 65402);
  const lua = wire('LUA', 'A "return 1"');
  assert.equal(hex(lua), '0001' + '08' + hex(new TextEncoder().encode('return 1')));
});

test('canonical form and embedded names', () => {
  const soa = wire('SOA', 'NS.Example. Host.Example. 7 1h 2h 3h 4h');
  assert.equal(rdataToText(RRType.SOA, rdataCanonical(RRType.SOA, soa)), 'ns.example. host.example. 7 3600 7200 10800 14400');
  assert.equal(soaSerial(soa), 7);
  assert.equal(soaMinimum(soa), 14400);
  const txt = wire('TXT', '"ABC"');
  assert.equal(rdataCanonical(RRType.TXT, txt), txt);
  const nsec = wire('NSEC', 'Next.Example. A RRSIG');
  assert.equal(rdataCanonical(RRType.NSEC, nsec), nsec, 'RFC 6840: NSEC next name is not lower-cased');
  assert.deepEqual(rdataNames(RRType.SRV, wire('SRV', '1 2 3 t.example.')).map(nameToText), ['t.example.']);
  assert.deepEqual(rdataNames(RRType.SOA, soa).map(nameToText), ['NS.Example.', 'Host.Example.']);
  assert.deepEqual(rdataNames(RRType.MX, wire('MX', '1 mx')).map(nameToText), ['mx.example.com.']);
  assert.deepEqual(rdataNames(RRType.A, wire('A', '1.2.3.4')), []);
  assert.equal(rrsigTypeCovered(wire('RRSIG', 'MX 13 2 300 20300101000000 20200101000000 1 example.com. AAAA')), RRType.MX);
  assert.deepEqual(nsecTypes(nsec), [1, 46]);
  const n3 = wire('NSEC3', '1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A TYPE1234');
  assert.deepEqual(nsec3Types(n3), [1, 1234]);
  const bitmap = nsec.subarray(nsec.length - 8);
  assert.ok(typeBitmapHas(bitmap, RRType.RRSIG));
  assert.ok(!typeBitmapHas(bitmap, RRType.MX));
  assert.ok(!typeBitmapHas(bitmap, 1234));
});

test('rdataValidate rejects malformed wire', () => {
  const bad: [number, number[]][] = [
    [RRType.A, [1, 2, 3]], [RRType.MX, [0, 1, 3, 97]], [RRType.SOA, [0, 0, 1, 2]], [RRType.TXT, []],
    [RRType.NSEC, [0, 0, 0]], [RRType.HTTPS, [0, 1, 0, 0, 3, 0, 1]], [RRType.HTTPS, [0, 1, 0, 0, 3, 0, 0, 0, 1, 0, 0]],
    [RRType.LOC, [1, ...new Array<number>(15).fill(0)]], [RRType.CAA, [0, 0]], [RRType.NS, [0xc0, 0]],
  ];
  for (const [t, b] of bad) {
    assert.throws(() => rdataValidate(t, Uint8Array.from(b)), (e: unknown) => e instanceof WireError && e.code === 'GDNS_ERR_WIRE_BAD_RDATA', `${typeToText(t)} ${b}`);
  }
  rdataValidate(RRType.NSEC, Uint8Array.from([0]));
});

test('types, classes, TTLs, whole records', () => {
  assert.equal(typeFromText('aaaa'), 28);
  assert.equal(typeFromText('TYPE65534'), 65534);
  assert.equal(typeToText(65534), 'TYPE65534');
  assert.throws(() => typeFromText('TYPE65536'), WireError);
  assert.equal(classFromText('ch'), 3);
  assert.equal(classToText(9), 'CLASS9');
  assert.ok(isTypeText('https') && !isTypeText('IN') && isClassText('IN') && !isClassText('A'));
  assert.equal(ttlFromText('1h30m'), 5400);
  assert.equal(ttlFromText('1W'), 604800);
  assert.throws(() => ttlFromText('1x'), WireError);
  const rr = rrFromText('www IN 300 MX 10 mail', origin);
  assert.equal(rrToText(rr), 'www.example.com.\t300\tIN\tMX\t10 mail.example.com.');
  assert.equal(rrFromText('a.example. A 192.0.2.1', undefined, 60).ttl, 60);
  assert.throws(() => rrFromText('a.example. MX 1 rel'), WireError);
});
