import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RRType, nameFromText, nsec3Types, nsecTypes, rrsigTypeCovered } from '../wire/index.js';
import { buildZone, parseZoneText, printZone } from '../zone/index.js';
import type { RRset, Zone } from '../zone/index.js';
import { generateKey, ZSK_FLAGS, SEP_FLAGS } from './key.js';
import { signZone, signZoneAsync } from './sign-zone.js';
import { typeBitmap } from './type-bitmap.js';

const TEXT = `$ORIGIN example.
$TTL 300
@ SOA ns hostmaster 1 3600 600 86400 60
@ NS ns
ns A 192.0.2.1
www A 192.0.2.2
a.b.ent TXT "deep"
sub NS ns.sub
ns.sub A 192.0.2.3
sec NS ns.other.
sec DS 1 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
*.wild A 192.0.2.4
`;
const origin = nameFromText('example.');
const zone = (text = TEXT): Zone => buildZone(origin, parseZoneText(text, { origin }));
const key = generateKey(13);
const z0 = zone();

function sets(z: Zone, type: number): RRset[] {
  return [...z.records()].filter((s) => s.type === type);
}
function nameText(n: Uint8Array): string {
  const out: string[] = [];
  for (let p = 0; n[p]! !== 0; p += n[p]! + 1) out.push(String.fromCharCode(...n.subarray(p + 1, p + 1 + n[p]!)));
  return out.join('.') + '.';
}

test('NSEC3 (default): DNSKEY, NSEC3PARAM 1 0 0 -, one NSEC3 per authoritative name and ENT, none below a cut', () => {
  const s = signZone(z0, [key], { now: 1_800_000_000 });
  assert.deepEqual(s.nsec3 && [s.nsec3.algorithm, s.nsec3.flags, s.nsec3.iterations, s.nsec3.salt.length], [1, 0, 0, 0]);
  assert.equal(sets(s, RRType.DNSKEY)[0]!.rdata.length, 1);
  // apex, ns, www, ent, b.ent, a.b.ent, sub, sec, wild, *.wild = 10 (ns.sub is below the cut)
  const n3 = sets(s, RRType.NSEC3);
  assert.equal(n3.length, 10);
  const types = n3.map((x) => nsec3Types(x.rdata[0]!).sort((a, b) => a - b).join(','));
  assert.ok(types.includes([RRType.NS, RRType.SOA, RRType.RRSIG, RRType.DNSKEY, RRType.NSEC3PARAM].join(',')));
  assert.ok(types.includes(String(RRType.NS)), 'the insecure delegation lists NS only');
  assert.ok(types.includes([RRType.NS, RRType.DS, RRType.RRSIG].join(',')), 'the secure delegation lists NS DS RRSIG');
  assert.equal(types.filter((t) => t === '').length, 3, 'empty non-terminals: ent, b.ent, wild');
  assert.equal(n3.every((x) => x.ttl === 60), true, 'NSEC3 TTL = min(SOA TTL, SOA minimum)');
});

test('signatures: every authoritative RRset, at a cut only DS, nothing below a cut; validity window', () => {
  const s = signZone(z0, [key], { now: 1_800_000_000, validity: 1000, inceptionOffset: 10 });
  const covered = new Set<string>();
  for (const set of sets(s, RRType.RRSIG)) {
    for (const rd of set.rdata) {
      covered.add(`${nameText(set.name)} ${rrsigTypeCovered(rd)}`);
      const view = new DataView(rd.buffer, rd.byteOffset);
      assert.equal(view.getUint32(8), 1_800_001_000);
      assert.equal(view.getUint32(12), 1_799_999_990);
    }
  }
  assert.ok(covered.has(`example. ${RRType.SOA}`) && covered.has(`example. ${RRType.DNSKEY}`) && covered.has(`example. ${RRType.NSEC3PARAM}`));
  assert.ok(covered.has(`www.example. ${RRType.A}`) && covered.has(`*.wild.example. ${RRType.A}`));
  assert.ok(covered.has(`sec.example. ${RRType.DS}`));
  assert.ok(!covered.has(`sec.example. ${RRType.NS}`) && !covered.has(`sub.example. ${RRType.NS}`));
  assert.ok(!covered.has(`ns.sub.example. ${RRType.A}`), 'glue is not signed');
});

test('NSEC3 opt-out leaves the insecure delegation out of the chain and sets the flag', () => {
  const s = signZone(z0, [key], { nsec3: { optOut: true, iterations: 1, salt: Uint8Array.of(0xab, 0xcd) } });
  const n3 = sets(s, RRType.NSEC3);
  assert.equal(n3.length, 9);
  assert.equal(n3.every((x) => x.rdata[0]![1] === 1 && x.rdata[0]![3] === 1 && x.rdata[0]![4] === 2), true);
  assert.equal(s.nsec3?.iterations, 1);
});

test('NSEC: a closed chain in canonical order, no ENTs, delegation bitmaps without glue', () => {
  const text = TEXT + 'sub A 192.0.2.9\n';
  const s = signZone(zone(text), [key], { denial: 'nsec' });
  const nsec = sets(s, RRType.NSEC);
  const names = nsec.map((x) => nameText(x.name));
  assert.deepEqual(names, ['example.', 'a.b.ent.example.', 'ns.example.', 'sec.example.', 'sub.example.', '*.wild.example.', 'www.example.']);
  const nexts = nsec.map((x) => nameText(x.rdata[0]!));
  assert.deepEqual(nexts, [...names.slice(1), names[0]]);
  const sub = nsec.find((x) => nameText(x.name) === 'sub.example.')!;
  assert.deepEqual(nsecTypes(sub.rdata[0]!).sort((a, b) => a - b), [RRType.NS, RRType.RRSIG, RRType.NSEC]);
  assert.equal(s.nsec3, null);
  assert.equal(sets(s, RRType.NSEC3PARAM).length, 0);
});

test('KSK + ZSK: the KSK signs only the DNSKEY RRset; unpublished keys stay out; inactive keys do not sign', () => {
  const ksk = generateKey(13, { flags: SEP_FLAGS });
  const zsk = generateKey(13, { flags: ZSK_FLAGS });
  const next = generateKey(13, { flags: ZSK_FLAGS, active: false, published: true });
  const hidden = generateKey(13, { flags: ZSK_FLAGS, active: false, published: false });
  const s = signZone(z0, [ksk, zsk, next, hidden], {});
  assert.equal(sets(s, RRType.DNSKEY)[0]!.rdata.length, 3);
  for (const set of sets(s, RRType.RRSIG)) {
    for (const rd of set.rdata) {
      const tag = (rd[16]! << 8) | rd[17]!;
      assert.equal(tag, rrsigTypeCovered(rd) === RRType.DNSKEY ? ksk.keyTag : zsk.keyTag);
    }
  }
});

test('signing a signed zone again replaces its DNSSEC records instead of adding to them', () => {
  const once = signZone(z0, [key], { now: 1_800_000_000 });
  const twice = signZone(once, [key], { now: 1_800_000_000 });
  assert.equal(twice.recordCount, once.recordCount);
  const other = signZone(once, [generateKey(15)], { denial: 'nsec' });
  assert.equal(sets(other, RRType.NSEC3).length, 0);
  assert.equal(sets(other, RRType.DNSKEY)[0]!.rdata.length, 1);
});

test('no active key: GDNS_ERR_DNSSEC_NO_KEY', () => {
  assert.throws(() => signZone(z0, [generateKey(13, { active: false })]), { code: 'GDNS_ERR_DNSSEC_NO_KEY' });
  assert.throws(() => signZone(z0, []), { code: 'GDNS_ERR_DNSSEC_NO_KEY' });
});

test('type bitmaps: windows only as long as needed', () => {
  assert.deepEqual([...typeBitmap([RRType.A, RRType.MX, RRType.RRSIG, RRType.NSEC])], [0, 6, 0x40, 0x01, 0, 0, 0, 0x03]);
  assert.deepEqual([...typeBitmap([])], []);
  assert.deepEqual([...typeBitmap([256 + 1])], [1, 1, 0x40]);
});

test('with the previous snapshot, unchanged RRsets keep their signatures; changed or expiring ones are signed again', () => {
  const sigOf = (z: Zone, owner: string, type: number): string => {
    const set = sets(z, RRType.RRSIG).find((s) => nameText(s.name) === owner && rrsigTypeCovered(s.rdata[0]!) === type);
    return Buffer.from(set!.rdata[0]!).toString('hex');
  };
  const first = signZone(z0, [key], { now: 1_800_000_000 });
  const changed = zone(TEXT.replace('www A 192.0.2.2', 'www A 192.0.2.99'));
  const again = signZone(changed, [key], { now: 1_800_000_100, previous: first });
  assert.equal(sigOf(again, 'ns.example.', RRType.A), sigOf(first, 'ns.example.', RRType.A), 'ECDSA is randomized: equal bytes mean kept');
  assert.notEqual(sigOf(again, 'www.example.', RRType.A), sigOf(first, 'www.example.', RRType.A));
  const late = signZone(changed, [key], { now: 1_800_000_000 + 12 * 86400, previous: again });
  assert.notEqual(sigOf(late, 'ns.example.', RRType.A), sigOf(again, 'ns.example.', RRType.A), 'less than a quarter of the validity left');
  const otherKey = signZone(changed, [generateKey(13)], { now: 1_800_000_100, previous: again });
  assert.notEqual(sigOf(otherKey, 'ns.example.', RRType.A), sigOf(again, 'ns.example.', RRType.A));
});

test('CDS/CDNSKEY: the SEP keys published and signed by the KSK, or the RFC 8078 delete request', () => {
  const ksk = generateKey(13, { flags: SEP_FLAGS });
  const zsk = generateKey(13, { flags: ZSK_FLAGS });
  const s = signZone(z0, [ksk, zsk], { cds: 'publish' });
  assert.equal(sets(s, RRType.CDS)[0]!.rdata.length, 1);
  assert.equal((sets(s, RRType.CDS)[0]!.rdata[0]![0]! << 8) | sets(s, RRType.CDS)[0]!.rdata[0]![1]!, ksk.keyTag);
  assert.equal(sets(s, RRType.CDNSKEY)[0]!.rdata[0]![1], 1, 'flags 257');
  const cdsSig = s.apex.sigs(RRType.CDS)!.rdata[0]!;
  assert.equal((cdsSig[16]! << 8) | cdsSig[17]!, ksk.keyTag);
  const apexTypes = nsec3Types(sets(s, RRType.NSEC3).map((x) => x.rdata[0]!).find((rd) => nsec3Types(rd).includes(RRType.SOA))!);
  assert.ok(apexTypes.includes(RRType.CDS) && apexTypes.includes(RRType.CDNSKEY));
  const del = signZone(s, [ksk, zsk], { cds: 'delete' });
  assert.deepEqual([...sets(del, RRType.CDS)[0]!.rdata[0]!], [0, 0, 0, 0, 0]);
  assert.deepEqual([...sets(del, RRType.CDNSKEY)[0]!.rdata[0]!], [0, 0, 3, 0, 0]);
});

test('signZoneAsync gives the same zone as signZone (Ed25519 is deterministic) and lets timers run', async () => {
  const ed = generateKey(15);
  const big = zone(TEXT + Array.from({ length: 400 }, (_, i) => `h${i} A 10.0.${i >> 8}.${i & 255}`).join('\n') + '\n');
  let ticks = 0;
  const timer = setInterval(() => { ticks++; }, 0);
  const a = await signZoneAsync(big, [ed], { now: 1_800_000_000 }, 1);
  clearInterval(timer);
  const b = signZone(big, [ed], { now: 1_800_000_000 });
  assert.equal(printZone(a), printZone(b));
  assert.ok(ticks > 0, 'the event loop ran while signing');
});

test('soaSerial replaces the serial of the signed zone (and its SOA signature covers the new one)', () => {
  const s = signZone(z0, [key], { soaSerial: 4_000_000_000 });
  assert.equal(s.serial, 4_000_000_000);
  assert.equal(z0.serial, 1);
  assert.equal(signZone(z0, [key]).serial, 1);
});
