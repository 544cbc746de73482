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
    [RRType.CERT, [0, 1, 0, 0, 8]], [RRType.CERT, [0, 1, 0]], [RRType.AFSDB, [0, 1]], [RRType.KX, [0, 1, 3, 97]],
    [RRType.APL, [0, 1, 24]], [RRType.APL, [0, 1, 24, 3, 192, 0]], [RRType.APL, [0, 1, 24, 2, 192, 0]],
    [RRType.APL, [0, 1, 33, 1, 192]], [RRType.APL, [0, 1, 8, 5, 1, 2, 3, 4, 5]], [RRType.APL, [0, 2, 129, 1, 32]],
  ];
  for (const [t, b] of bad) {
    assert.throws(() => rdataValidate(t, Uint8Array.from(b)), (e: unknown) => e instanceof WireError && e.code === 'GDNS_ERR_WIRE_BAD_RDATA', `${typeToText(t)} ${b}`);
  }
  rdataValidate(RRType.NSEC, Uint8Array.from([0]));
  rdataValidate(RRType.APL, new Uint8Array(0));
  rdataValidate(RRType.APL, Uint8Array.from([0, 9, 200, 0x85, 1, 2, 3, 4, 5])); // a family without text form
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

test('CERT: mnemonics or numbers in, mnemonics out (as dig); errors name the field', () => {
  assert.equal(hex(wire('CERT', 'pkix 1 rsasha256 MIIB')), '0001000108308201');
  assert.equal(rdataToText(RRType.CERT, wire('CERT', '4 0 ECC-GOST AQ ID')), 'IPKIX 0 ECCGOST AQID');
  assert.equal(rdataToText(RRType.CERT, wire('CERT', '6 0 DSA-NSEC3-SHA1 AQID')), 'IPGP 0 NSEC3DSA AQID');
  assert.equal(rdataToText(RRType.CERT, wire('CERT', '9 0 9 AQID')), '9 0 9 AQID');
  assert.equal(syntaxMessage('CERT', 'X509 0 0 AQID'), 'CERT type: "X509" is not a number 0-65535 or a certificate type mnemonic');
  assert.equal(syntaxMessage('CERT', 'PKIX 0 RSA AQID'), 'CERT algorithm: "RSA" is not a number 0-255 or an algorithm mnemonic');
  assert.equal(syntaxMessage('CERT', 'PKIX 0 0'), 'CERT certificate: missing');
  assert.match(syntaxMessage('CERT', 'PKIX 0 0 MIIBAA'), /CERT certificate: "MIIBAA" is not base64/);
});

test('APL: items trimmed on the wire (RFC 3123 §4), other families printed as \\# data', () => {
  assert.equal(hex(wire('APL', '1:192.0.2.0/24 !2:2001:db8::/32')), '00011803c000020002208420010db8');
  assert.equal(hex(wire('APL', '1:0.0.0.0/0 2:::/0')), '0001000000020000');
  assert.equal(hex(wire('APL', '')), '');
  assert.equal(rdataToText(RRType.APL, new Uint8Array(0)), '');
  assert.equal(rdataToText(RRType.APL, wire('APL', '\\# 10 000108010a 00030801ff')), '\\# 10 000108010A00030801FF');
  assert.equal(syntaxMessage('APL', '1:192.0.2.0/33'), 'APL items: "1:192.0.2.0/33": prefix must be 0-32');
  assert.equal(syntaxMessage('APL', '2:2001:db8::/129'), 'APL items: "2:2001:db8::/129": prefix must be 0-128');
  assert.equal(syntaxMessage('APL', '3:192.0.2.0/24'), 'APL items: "3:192.0.2.0/24": family must be 1 (IPv4) or 2 (IPv6)');
  assert.equal(syntaxMessage('APL', '1:192.0.2.0'), 'APL items: "1:192.0.2.0" is not [!]family:address/prefix');
  assert.match(syntaxMessage('APL', '1:2001:db8::/24'), /is not an IPv4 address/);
  assert.match(syntaxMessage('APL', '\\# 8 00011804c0000200'), /ends in a zero octet/);
});

test('AFSDB and KX: names lower-cased in canonical form (RFC 4034 §6.2), found as embedded names', () => {
  for (const t of ['AFSDB', 'KX']) {
    const w = wire(t, '1 Host.Example.');
    const type = typeFromText(t);
    assert.equal(rdataToText(type, rdataCanonical(type, w)), '1 host.example.');
    assert.deepEqual(rdataNames(type, w).map(nameToText), ['Host.Example.']);
    assert.equal(rdataToText(type, wire(t, '2 rel')), '2 rel.example.com.');
  }
});
