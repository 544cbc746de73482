// Zones in the store signed by `geodesic serve` (keys in the store, catalog.dnssec.enable), with LUA/geo
// answers signed online per client network: unbound (forwarding clients' ECS through its subnetcache
// module) and delv validate them with the zone's DS as trust anchor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../../src/catalog/index.js';
import { openStore } from '../../src/store/index.js';
import { dig, run, startServe } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';
import { delvVia, installed, resolveVia, startUnbound } from './lib/validators.js';
import type { Unbound } from './lib/validators.js';

const NO_UNBOUND = installed('unbound') ? false : 'unbound is not installed (apt-get install unbound)';
const NO_DELV = installed('delv') ? false : 'delv is not installed (apt-get install bind9-dnsutils)';
const dir = mkdtempSync(join(tmpdir(), 'geodesic-dnssec-store-'));
const data = join(dir, 'data');
const Z = 'geo.test.';
const PLAIN = 'plain.test.';
const NO_LDNS = installed('ldns-verify-zone') ? false : 'ldns-verify-zone is not installed (apt-get install ldnsutils)';
const UK = '81.2.69.0/24';
const US = '8.8.8.0/24';
let geodesic: Served;
let unbound: Unbound | undefined;
let ds = '';

const rr = (name: string, type: string, content: string, ttl = 60): { name: string; type: string; ttl: number; content: string } =>
  ({ name: name === '@' ? Z : `${name}.${Z}`, type, ttl, content });

before(async () => {
  const cat = await Catalog.open(await openStore({ data }), { pollMs: 0 });
  await cat.createZone({ name: Z, records: [
    rr('@', 'SOA', `ns.${Z} hostmaster.${Z} 1 3600 600 86400 30`, 300),
    rr('@', 'NS', `ns.${Z}`, 300),
    rr('ns', 'A', '192.0.2.1'),
    rr('www', 'LUA', `A "pickclosest({'78.142.195.195','67.198.150.72'})"`),
    rr('cc', 'LUA', 'TXT "countryCode()"'),
    rr('*.wgeo', 'LUA', `A "pickclosest({'78.142.195.195','67.198.150.72'})"`),
    rr('alias', 'CNAME', `www.${Z}`),
    rr('lc', 'LUA', `CNAME "'mail.${Z}'"`),
    rr('mail', 'A', '192.0.2.25'),
    rr('old', 'DNAME', `new.${Z}`),
    rr('www.new', 'A', '192.0.2.81'),
    rr('*.wild', 'TXT', '"wildcard"'),
    rr('deleg', 'NS', `ns.deleg.${Z}`),
    rr('ns.deleg', 'A', '192.0.2.54'),
  ] }, 'test');
  const keys = await cat.dnssec.enable(Z);
  ds = `${Z} DS ${keys[0]!.ds[0]}`;
  await cat.createZone({ name: PLAIN, records: [
    { name: PLAIN, type: 'SOA', ttl: 300, content: `ns.${PLAIN} hostmaster.${PLAIN} 1 3600 600 86400 30` },
    { name: PLAIN, type: 'NS', ttl: 300, content: `ns.${PLAIN}` }, { name: `ns.${PLAIN}`, type: 'A', ttl: 300, content: '192.0.2.1' },
    { name: `www.${PLAIN}`, type: 'A', ttl: 300, content: '192.0.2.80' }, { name: `*.w.${PLAIN}`, type: 'TXT', ttl: 300, content: '"w"' },
    { name: `sub.${PLAIN}`, type: 'NS', ttl: 300, content: `ns.sub.${PLAIN}` }, { name: `ns.sub.${PLAIN}`, type: 'A', ttl: 300, content: '192.0.2.2' },
  ] }, 'test');
  await cat.dnssec.enable(PLAIN, { algorithm: 'ed25519', nsec3param: '' });
  await cat.close();
  geodesic = await startServe(['--data', data, '--listen', '127.0.0.1:0', '--no-rrl', '--enable-lua-records', '--axfr-allow', '127.0.0.1', '--pid-file', join(dir, 'g.pid')]);
  if (!NO_UNBOUND) unbound = await startUnbound(dir, geodesic.port, [Z], [ds], { ecs: true });
});

after(async () => {
  await unbound?.stop();
  await geodesic?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('geo answers from several ECS networks, static answers, denials and a delegation validate (AD) through unbound', { skip: NO_UNBOUND }, async () => {
  const cases: [string, string, string[], string, string[]][] = [
    ['www', 'A', ['+subnet=' + UK], 'NOERROR', ['www.geo.test. IN A 78.142.195.195']],
    ['www', 'A', ['+subnet=' + US], 'NOERROR', ['www.geo.test. IN A 67.198.150.72']],
    ['cc', 'TXT', ['+subnet=' + UK], 'NOERROR', ['cc.geo.test. IN TXT "gb"']],
    ['cc', 'TXT', ['+subnet=' + US], 'NOERROR', ['cc.geo.test. IN TXT "us"']],
    ['host.wgeo', 'A', ['+subnet=' + UK], 'NOERROR', ['host.wgeo.geo.test. IN A 78.142.195.195']],
    ['alias', 'A', ['+subnet=' + US], 'NOERROR', ['alias.geo.test. IN CNAME www.geo.test.', 'www.geo.test. IN A 67.198.150.72']],
    ['lc', 'A', ['+subnet=' + UK], 'NOERROR', ['lc.geo.test. IN CNAME mail.geo.test.', 'mail.geo.test. IN A 192.0.2.25']],
    ['www', 'MX', [], 'NOERROR', []],
    ['mail', 'A', [], 'NOERROR', ['mail.geo.test. IN A 192.0.2.25']],
    ['nope', 'A', [], 'NXDOMAIN', []],
    ['x.wild', 'TXT', [], 'NOERROR', ['x.wild.geo.test. IN TXT "wildcard"']],
    ['www.old', 'A', [], 'NOERROR', ['old.geo.test. IN DNAME new.geo.test.', 'www.old.geo.test. IN CNAME www.new.geo.test.', 'www.new.geo.test. IN A 192.0.2.81']],
    ['deleg', 'DS', [], 'NOERROR', []],
  ];
  const problems: string[] = [];
  for (const [name, type, extra, status, answer] of cases) {
    const r = await resolveVia(unbound!.port, `${name}.${Z}`, type, ...extra);
    if (r.status !== status || !r.ad) problems.push(`${name} ${type} ${extra.join(' ')}: ${r.status}${r.ad ? ' ad' : ' (not validated)'}`);
    else if (JSON.stringify(r.answer) !== JSON.stringify(answer)) problems.push(`${name} ${type} ${extra.join(' ')}: ${JSON.stringify(r.answer)}`);
  }
  assert.deepEqual(problems, [], `unbound log:\n${unbound!.log().slice(-3000)}`);
});

test('a change written to the store by another node is served signed within 2 s', { skip: NO_UNBOUND }, async () => {
  const cat = await Catalog.open(await openStore({ data }), { pollMs: 0 });
  try {
    await cat.apply(Z, { rrsets: [{ name: `later.${Z}`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '192.0.2.99' }] }] }, 'test');
  } finally {
    await cat.close();
  }
  let r = '';
  for (let i = 0; i < 20 && !/192\.0\.2\.99/.test(r); i++) {
    await new Promise((ok) => setTimeout(ok, 100));
    r = await dig(geodesic.port, '+dnssec', `later.${Z}`, 'A');
  }
  assert.match(r, /IN\s+RRSIG\s+A\s/, `${r}\n${geodesic.log().slice(-2000)}`);
  const a = await resolveVia(unbound!.port, `later.${Z}`, 'A');
  assert.deepEqual([a.status, a.ad, a.answer], ['NOERROR', true, [`later.${Z} IN A 192.0.2.99`]], a.text);
});

test('delv (DS as trust anchor) fully validates a geo answer, a NODATA at a geo name and an NXDOMAIN', { skip: NO_DELV }, async () => {
  for (const [name, type, want] of [['www', 'A', /fully validated[\s\S]*IN\s+A\s+\d/], ['www', 'TXT', /fully validated|resolution failed: ncache nxrrset/], ['nothere', 'A', /fully validated|resolution failed: ncache nxdomain/]] as const) {
    const out = await delvVia(dir, geodesic.port, ds, `${name}.${Z}`, type);
    assert.match(out, want, out);
    assert.doesNotMatch(out, /insecure|bogus|unsigned|broken trust chain|validation failed/i, out);
  }
});

async function axfr(zone: string, type = 'AXFR'): Promise<string> {
  return (await run('dig', ['@127.0.0.1', '-p', String(geodesic.port), '+time=3', '+tries=1', '+onesoa', '+nocmd', '+nostats',
    '+nocomments', '+noquestion', zone, type], 10_000)).stdout;
}

test('ldns-verify-zone accepts an AXFR of a signed store zone (NSEC, Ed25519), also after a change', { skip: NO_LDNS }, async () => {
  const verify = async (): Promise<void> => {
    const file = join(dir, 'plain.axfr');
    writeFileSync(file, await axfr(PLAIN));
    const v = await run('ldns-verify-zone', [file], 20_000);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout + v.stderr, /Zone is verified and complete/);
  };
  await verify();
  const cat = await Catalog.open(await openStore({ data }), { pollMs: 0 });
  let serial = 0;
  try {
    serial = cat.zone(PLAIN)!.serial;
    await cat.apply(PLAIN, { rrsets: [{ name: `new.${PLAIN}`, type: 'AAAA', changetype: 'REPLACE', ttl: 60, records: [{ content: '2001:db8::1' }] }] }, 'test');
  } finally {
    await cat.close();
  }
  for (let i = 0; i < 30 && !/2001:db8::1/.test(await dig(geodesic.port, `new.${PLAIN}`, 'AAAA')); i++) await new Promise((ok) => setTimeout(ok, 100));
  await verify();
  ixfrFrom = serial;
});

let ixfrFrom = 0;
test('an IXFR of a signed store zone carries the new signatures and NSEC changes (signed differences, not the journal)', { skip: NO_LDNS }, async () => {
  assert.ok(ixfrFrom > 0);
  const out = await axfr(PLAIN, `IXFR=${ixfrFrom}`);
  assert.match(out, /\sIN\s+NSEC\s/, out);
  assert.doesNotMatch(out, /\sIN\s+NS\s+ns\.sub/, 'only the differences, not the whole zone');
  assert.match(out, new RegExp(`new\\.${PLAIN.replace(/\./g, '\\.')}\\s+\\d+\\s+IN\\s+RRSIG\\s+AAAA`), out);
});

test('an AXFR of a signed zone with LUA records (exported as static answers to non-Geodesic secondaries) verifies', { skip: NO_LDNS }, async () => {
  const file = join(dir, 'geo.axfr');
  const text = await axfr(Z);
  writeFileSync(file, text);
  assert.doesNotMatch(text, /TYPE65402/, 'no LUA code goes to a non-Geodesic client');
  const v = await run('ldns-verify-zone', [file], 20_000);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  // a Geodesic secondary (EDNS option 65432 "geodesic") holds no keys: it gets the signed export too
  const asGeodesic = (await run('dig', ['@127.0.0.1', '-p', String(geodesic.port), '+time=3', '+tries=1', '+onesoa', '+nocmd', '+nostats',
    '+nocomments', '+noquestion', '+ednsopt=65432:67656f6465736963', Z, 'AXFR'], 10_000)).stdout;
  assert.doesNotMatch(asGeodesic, /TYPE65402/);
  assert.match(asGeodesic, /^www\.geo\.test\.\s+\d+\s+IN\s+RRSIG\s+A\s/m);
});
