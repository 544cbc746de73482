import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RRType, nameFromText, nameToText, rdataToText } from '../wire/index.js';
import type { Rr } from '../wire/index.js';
import { buildZone, parseZoneText } from './load.js';
import { printZone } from './print.js';
import { parseZone } from './parser.js';
import { ZoneFileError, type Diagnostic } from './errors.js';

const origin = nameFromText('example.com.');
const show = (rrs: Rr[]): string[] => rrs.map((r) => `${nameToText(r.name)} ${r.ttl} ${r.type} ${rdataToText(r.type, r.rdata)}`);
const SOA = '@ SOA ns hm 1 2 3 4 5\n';

function refuse(text: string, line: number, column: number, reason: RegExp, file?: string): void {
  assert.throws(() => parseZoneText(text, { origin, file }), (e: unknown) => {
    assert.ok(e instanceof ZoneFileError, String(e));
    assert.equal(e.line, line, e.message);
    assert.equal(e.column, column, e.message);
    assert.match(e.reason, reason);
    assert.equal(e.code, 'GDNS_ERR_ZONE_SYNTAX');
    return true;
  });
}

test('owners, blank owner, class and TTL in either order, units, @, relative names', () => {
  const rrs = parseZoneText('$TTL 1h30m\n' + SOA + ' NS ns\nwww IN 60 A 192.0.2.1\nmail 1w IN A 192.0.2.2\n' +
    '\tAAAA ::1\n$ORIGIN sub.example.com.\nx CNAME @\ny.example.com. A 192.0.2.3\n', { origin });
  assert.deepEqual(show(rrs), [
    'example.com. 5400 6 ns.example.com. hm.example.com. 1 2 3 4 5',
    'example.com. 5400 2 ns.example.com.',
    'www.example.com. 60 1 192.0.2.1',
    'mail.example.com. 604800 1 192.0.2.2',
    'mail.example.com. 5400 28 ::1',
    'x.sub.example.com. 5400 5 sub.example.com.',
    'y.example.com. 5400 1 192.0.2.3',
  ]);
});

test('quoted strings, escapes and parentheses', () => {
  const rrs = parseZoneText('$TTL 60\na\\.b TXT ( "x ; y" \\"z\n "(" ) ; c\n\\065 A 1.2.3.4\n', { origin });
  assert.deepEqual(show(rrs), ['a\\.b.example.com. 60 16 "x ; y" "\\"z" "("', 'A.example.com. 60 1 1.2.3.4']);
});

test('TTL rules without $TTL: last explicit TTL, else SOA minimum with a warning (BIND)', () => {
  const warnings: Diagnostic[] = [];
  const ttls: number[] = [];
  parseZone('@ SOA ns hm 1 2 3 4 77\na A 1.1.1.1\nb 10 A 1.1.1.2\nc A 1.1.1.3\n', { origin },
    (_k, _n, _t, ttl) => ttls.push(ttl), (d) => warnings.push(d));
  assert.deepEqual(ttls, [77, 77, 10, 77]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, /SOA MINTTL/);
  refuse('a A 1.1.1.1\n', 1, 3, /no TTL/);
  const rfc1035: number[] = [];
  parseZone('@ 100 SOA ns hm 1 2 3 4 5\na A 1.1.1.1\nb 10 A 1.1.1.2\nc A 1.1.1.3\n', { origin }, (_k, _n, _t, ttl) => rfc1035.push(ttl));
  assert.deepEqual(rfc1035, [100, 100, 10, 10]);
  const withTtl: number[] = [];
  parseZone('$TTL 5\na 9 A 1.1.1.1\nb A 1.1.1.2\n', { origin }, (_k, _n, _t, ttl) => withTtl.push(ttl));
  assert.deepEqual(withTtl, [9, 5]);
});

test('errors name line, column and reason', () => {
  refuse('$TTL 60\nwww A 192.0.2.300\n', 2, 7, /IPv4/);
  refuse('$TTL 60\nwww BOGUS 1\n', 2, 5, /unknown type/);
  refuse('$TTL 60\nwww.example.org. A 1.2.3.4\n', 2, 1, /outside the zone/);
  refuse('$TTL 60\nwww CH A 1.2.3.4\n', 2, 5, /class CH/);
  refuse('$TTL 60\n  A 1.2.3.4\n', 2, 3, /previous/);
  refuse('$TTL x\n', 1, 6, /not a TTL/);
  refuse('$TTL 60\n$FOO bar\n', 2, 1, /unknown directive/);
  refuse('$TTL 60\nwww MX 10\n', 2, 8, /MX/);
  refuse('$TTL 60\nwww\n', 2, 1, /no type/);
  refuse('$TTL 60\nwww A 1.2.3.4 (\n', 2, 15, /never closed/, 'z.zone');
  refuse('$TTL 60\n$INCLUDE x.inc\n', 2, 10, /needs a zone file/);
});

test('$GENERATE expands lhs and rdata', () => {
  const rrs = parseZoneText('$TTL 60\n$GENERATE 1-3/2 h-${0,2} 30 IN A 10.0.0.$\n$GENERATE 1-1 r$ PTR h-$.\n', { origin });
  assert.deepEqual(show(rrs), ['h-01.example.com. 30 1 10.0.0.1', 'h-03.example.com. 30 1 10.0.0.3', 'r1.example.com. 60 12 h-1.']);
});

test('$INCLUDE with an origin; the parent origin comes back; escapes refused, also via symlinks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gdns-inc-'));
  mkdirSync(join(dir, 'zones'));
  writeFileSync(join(dir, 'zones', 'a.inc'), 'x A 192.0.2.1\n');
  writeFileSync(join(dir, 'secret.inc'), 'y A 192.0.2.2\n');
  symlinkSync(join(dir, 'secret.inc'), join(dir, 'zones', 'link.inc'));
  const file = join(dir, 'zones', 'z.zone');
  const rrs = parseZoneText('$TTL 60\n$INCLUDE a.inc sub\nx A 192.0.2.9\n', { origin, file });
  assert.deepEqual(show(rrs), ['x.sub.example.com. 60 1 192.0.2.1', 'x.example.com. 60 1 192.0.2.9']);
  refuse('$TTL 60\n$INCLUDE ../secret.inc\n', 2, 10, /outside the zone's folder/, file);
  refuse('$TTL 60\n$INCLUDE link.inc\n', 2, 10, /outside the zone's folder/, file);
  refuse('$TTL 60\n$INCLUDE /etc/hosts\n', 2, 10, /outside the zone's folder/, file);
  refuse('$TTL 60\n$INCLUDE nope.inc\n', 2, 10, /ENOENT/, file);
  writeFileSync(join(dir, 'zones', 'loop.inc'), '$INCLUDE loop.inc\n');
  assert.throws(() => parseZoneText('$INCLUDE loop.inc\n', { origin, file }), /nested/);
  writeFileSync(join(dir, 'zones', 'bad.inc'), '\n\nq A 1.2.3\n');
  assert.throws(() => parseZoneText('$TTL 1\n$INCLUDE bad.inc\n', { origin, file }),
    (e: unknown) => e instanceof ZoneFileError && e.file.endsWith('bad.inc') && e.line === 3);
});

test('SOA, NS and rdata types from the wire codec load (LUA, ALIAS, unknown)', () => {
  const rrs = parseZoneText('$TTL 60\n@ ALIAS x.example.net.\nl LUA A "pickclosest({\'1.2.3.4\'})"\nu TYPE65534 \\# 2 abcd\n', { origin });
  assert.deepEqual(rrs.map((r) => r.type), [RRType.ALIAS, RRType.LUA, 65534]);
});

const NEW_TYPES_ZONE = `$TTL 300
@ SOA ns hm 1 2 3 4 5
@ NS ns
ns A 192.0.2.53
afs AFSDB 1 afs-db ; relative: below the origin
afs AFSDB 2 AFS.Example.NET.
kx KX 10 kx
kx KX 0 .
c1 CERT PKIX 0 0 MIIB
c2 CERT 3 65535 RSASHA256 ( mQINBFit2jsBEADrbl5vjVxYeAE0g0IDYCBpHirv1Sjlqxx5gjtPhb2Y
   hvyDMXjq )
c3 CERT uri 0 privatedns aHR0cHM6Ly9leGFtcGxlLmNvbS9jZXJ0
c4 CERT 65280 7 13 AQID
a1 APL 1:192.0.2.0/24 !2:2001:db8::/32
a2 APL 1:0.0.0.0/0 !2:::/0
a3 APL
a4 APL ( 1:192.0.2.128/25 1:10.0.0.0/32
   !1:10.1.0.0/16 2:2001:db8:0:0:1::/128 )
`;

const ZONE_TOOLS: [string, string[]][] = [
  ['/usr/bin/named-compilezone', ['-q', '-i', 'none', '-k', 'ignore', '-o', '-', 'example.com']],
  ['/usr/bin/ldns-read-zone', []],
];

test('CERT, APL, AFSDB and KX load, print, and read back as BIND and ldns read them', async () => {
  const rrs = parseZoneText(NEW_TYPES_ZONE, { origin });
  const printed = printZone(buildZone(origin, rrs));
  assert.match(printed, /afs\.example\.com\.\t300\tIN\tAFSDB\t1 afs-db\.example\.com\./);
  assert.match(printed, /c3\.example\.com\.\t300\tIN\tCERT\tURI 0 PRIVATEDNS aHR0c/);
  assert.match(printed, /a3\.example\.com\.\t300\tIN\tAPL\t\n/);
  assert.equal(printZone(buildZone(origin, parseZoneText(printed, { origin }))), printed, 'our print reads back the same');
  const dir = mkdtempSync(join(tmpdir(), 'zone-types-'));
  writeFileSync(join(dir, 'z.zone'), NEW_TYPES_ZONE.replace('$TTL', '$ORIGIN example.com.\n$TTL'));
  for (const [tool, args] of ZONE_TOOLS) {
    if (!existsSync(tool)) continue;
    const r = spawnSync(tool, [...args, join(dir, 'z.zone')], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.status, 0, `${tool}: ${r.stderr}`);
    const theirs = printZone(buildZone(origin, parseZoneText(r.stdout, { origin })));
    assert.equal(theirs, printed, `${tool} reads the zone to other records`);
  }
  rmSync(dir, { recursive: true, force: true });
});
