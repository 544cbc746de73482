// Zones signed by src/dnssec, served by `geodesic serve`, checked by real validators: unbound (a
// validating resolver with the zones' DS as trust anchors, stub zones pointing at Geodesic), delv
// (BIND's validating lookup tool) and ldns-verify-zone on an AXFR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RRType, nameFromText, rdataToText } from '../../src/wire/index.js';
import { loadZoneFile, parseZoneText, buildZone, printZone } from '../../src/zone/index.js';
import type { Zone } from '../../src/zone/index.js';
import { dnskeyRdata, dsRdata, generateKey, signZone } from '../../src/dnssec/index.js';
import type { DnssecKey, SignOptions } from '../../src/dnssec/index.js';
import { run, startServe } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';
import { freePort } from './lib/free-port.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/dnssec/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'geodesic-dnssec-'));
const fixture = (name: string): string => readFileSync(join(FIXTURES, `${name}.zone`), 'utf8');

/** Signs zone text with `key`, writes NAME.zone into the served folder; returns the DS text. */
function serveSigned(origin: string, text: string, key: DnssecKey, opts: SignOptions, tamper?: string): string {
  const zone: Zone = buildZone(nameFromText(origin), parseZoneText(text, { origin: nameFromText(origin) }));
  let out = printZone(signZone(zone, [key], opts));
  if (tamper !== undefined) out = tamperWith(out, tamper);
  writeFileSync(join(dir, `${origin.slice(0, -1)}.zone`), out);
  return `${origin} DS ${rdataToText(RRType.DS, dsRdata(nameFromText(origin), dnskeyRdata(key), 2))}`;
}

/** Flips one character in the signature of the RRSIG covering A at `owner`. */
function tamperWith(text: string, owner: string): string {
  const re = new RegExp(`^(${owner.replace(/\./g, '\\.')}\\s.*\\sRRSIG\\s+A\\s.*)(\\S)(\\S{4})$`, 'm');
  assert.match(text, re, `no RRSIG A at ${owner} to tamper with`);
  return text.replace(re, (_m, head: string, c: string, tail: string) => `${head}${c === 'A' ? 'B' : 'A'}${tail}`);
}

/** True when `cmd` can be run (Debian: unbound, bind9-dnsutils for delv, ldnsutils). */
function installed(cmd: string): boolean {
  return (spawnSync(cmd, ['-h'], { stdio: 'ignore', timeout: 5000 }).error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT';
}
const NO_UNBOUND = installed('unbound') ? false : 'unbound is not installed (apt-get install unbound)';
const NO_DELV = installed('delv') ? false : 'delv is not installed (apt-get install bind9-dnsutils)';
const NO_LDNS = installed('ldns-verify-zone') ? false : 'ldns-verify-zone is not installed (apt-get install ldnsutils)';

let geodesic: Served;
let unbound: ChildProcess | undefined;
let unboundPort = 0;
let anchors: string[] = [];
let unboundLog = '';

before(async () => {
  const parent = generateKey(13);
  const nsecKey = generateKey(15);
  const child = generateKey(14);
  const now = Math.floor(Date.now() / 1000);
  const childDs = serveSigned('secure.signable.test.', fixture('secure.signable.test'), child, { now });
  writeFileSync(join(dir, 'insecure.signable.test.zone'), fixture('insecure.signable.test'));
  writeFileSync(join(dir, 'insecure.optout.test.zone'), fixture('insecure.signable.test').replaceAll('signable.test', 'optout.test'));
  const parentText = fixture('signable.test') + childDs.replace('secure.signable.test.', 'secure') + '\n';
  anchors = [
    serveSigned('signable.test.', parentText, parent, { now }),
    serveSigned('nsecsigned.test.', parentText.replaceAll('signable.test', 'nsecsigned.test'), nsecKey,
      { now, denial: 'nsec' }),
    serveSigned('optout.test.', parentText.replaceAll('signable.test', 'optout.test'), generateKey(8),
      { now, nsec3: { optOut: true } }),
    serveSigned('bogus.test.', fixture('signable.test').replaceAll('signable.test', 'bogus.test'), generateKey(13),
      { now }, 'tampered.bogus.test.'),
  ];
  geodesic = await startServe(['--zones', dir, '--listen', '127.0.0.1:0', '--no-rrl', '--axfr-allow', '127.0.0.1',
    '--pid-file', join(dir, 'geodesic.pid')]);
  if (NO_UNBOUND) return;
  unboundPort = await freePort();
  const stubs = ['signable.test', 'secure.signable.test', 'insecure.signable.test', 'nsecsigned.test', 'bogus.test', 'optout.test', 'insecure.optout.test']
    .map((z) => `stub-zone:\n  name: "${z}."\n  stub-addr: 127.0.0.1@${geodesic.port}\n`).join('');
  writeFileSync(join(dir, 'unbound.conf'), `server:
  interface: 127.0.0.1
  port: ${unboundPort}
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "${dir}"
  pidfile: ""
  use-syslog: no
  logfile: ""
  verbosity: 1
  val-log-level: 2
  do-ip6: no
  num-threads: 1
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  local-zone: "test." nodefault
  module-config: "validator iterator"
  qname-minimisation: no
${anchors.map((a) => `  trust-anchor: "${a}"\n`).join('')}${stubs}`);
  unbound = spawn('unbound', ['-d', '-c', join(dir, 'unbound.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  unbound.stderr!.on('data', (d: Buffer) => { unboundLog += d.toString(); });
  for (let i = 0; i < 50; i++) {
    const r = await run('dig', ['@127.0.0.1', '-p', String(unboundPort), '+time=1', '+tries=1', 'signable.test', 'SOA'], 3000);
    if (/status: /.test(r.stdout)) return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`unbound did not start:\n${unboundLog}`);
});

after(async () => {
  if (unbound && unbound.exitCode === null) {
    const done = new Promise((ok) => unbound!.once('exit', ok));
    unbound.kill('SIGTERM');
    await Promise.race([done, new Promise((ok) => setTimeout(ok, 3000))]);
    if (unbound.exitCode === null) unbound.kill('SIGKILL');
  }
  await geodesic?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Resolved { status: string; ad: boolean; answer: string[] }

async function resolve(name: string, type: string): Promise<Resolved> {
  const r = await run('dig', ['@127.0.0.1', '-p', String(unboundPort), '+time=3', '+tries=1', '+dnssec', '+nomultiline', name, type], 8000);
  const status = /status: (\w+)/.exec(r.stdout)?.[1] ?? `no answer: ${r.stdout}${r.stderr}`;
  const flags = /;; flags: ([a-z ]+);/.exec(r.stdout)?.[1]?.split(' ') ?? [];
  const sec = /;; ANSWER SECTION:\n([\s\S]*?)\n\n/.exec(r.stdout)?.[1] ?? '';
  const answer = sec.split('\n').filter((l) => l && !/\sRRSIG\s/.test(l)).map((l) => l.split(/\s+/).filter((_x, i) => i !== 1).join(' '));
  return { status, ad: flags.includes('ad'), answer };
}

/** Each query, as unbound answers it through Geodesic: rcode, whether validated (AD), answer records. */
const SECURE: [string, string, string, string[]][] = [
  ['www.Z', 'A', 'NOERROR', ['www.Z. IN A 192.0.2.80']],
  ['Z', 'MX', 'NOERROR', ['Z. IN MX 10 mail.Z.']],
  ['nope.Z', 'A', 'NXDOMAIN', []],
  ['deep.nope.Z', 'TXT', 'NXDOMAIN', []],
  ['www.Z', 'TXT', 'NOERROR', []],
  ['c.ent.Z', 'A', 'NOERROR', []],
  ['host.wild.Z', 'A', 'NOERROR', ['host.wild.Z. IN A 192.0.2.42']],
  ['a.b.wild.Z', 'TXT', 'NOERROR', ['a.b.wild.Z. IN TXT "wildcard"']],
  ['host.wild.Z', 'MX', 'NOERROR', []],
  ['chain.Z', 'A', 'NOERROR', ['chain.Z. IN CNAME alias.Z.', 'alias.Z. IN CNAME www.Z.', 'www.Z. IN A 192.0.2.80']],
  ['www.old.Z', 'A', 'NOERROR',
    ['old.Z. IN DNAME new.Z.', 'www.old.Z. IN CNAME www.new.Z.', 'www.new.Z. IN A 192.0.2.81']],
  ['secure.Z', 'DS', 'NOERROR', ['*']],
  ['insecure.Z', 'DS', 'NOERROR', []],
  ['outside.Z', 'DS', 'NOERROR', []],
];

for (const zone of ['signable.test', 'nsecsigned.test']) {
  const denial = zone === 'signable.test' ? 'NSEC3, ECDSA P-256' : 'NSEC, Ed25519';
  test(`unbound validates (AD) every kind of answer from ${zone} (${denial})`, { skip: NO_UNBOUND }, async () => {
    const problems: string[] = [];
    for (const [q, type, status, answer] of SECURE) {
      const name = q.replace('Z', zone);
      const r = await resolve(name, type);
      const want = answer.map((a) => a.replaceAll('Z.', `${zone}.`));
      if (r.status !== status || !r.ad) problems.push(`${name} ${type}: ${r.status}${r.ad ? ' ad' : ' (not validated)'}`);
      else if (!(want[0] === '*' ? r.answer.length > 0 : JSON.stringify(r.answer) === JSON.stringify(want))) {
        problems.push(`${name} ${type}: answer ${JSON.stringify(r.answer)}, wanted ${JSON.stringify(want)}`);
      }
    }
    assert.deepEqual(problems, [], `unbound log:\n${unboundLog.slice(-3000)}`);
  });
}

test('a tampered signature is bogus (SERVFAIL); the rest of that zone still validates', { skip: NO_UNBOUND }, async () => {
  assert.equal((await resolve('tampered.bogus.test', 'A')).status, 'SERVFAIL');
  const mail = await resolve('mail.bogus.test', 'A');
  assert.deepEqual([mail.status, mail.ad], ['NOERROR', true]);
});

test('NSEC3 opt-out (RSA/SHA-256): answers validate; the insecure delegation is proven insecure', { skip: NO_UNBOUND }, async () => {
  const www = await resolve('www.optout.test', 'A');
  assert.deepEqual([www.status, www.ad, www.answer], ['NOERROR', true, ['www.optout.test. IN A 192.0.2.80']]);
  const nodata = await resolve('www.optout.test', 'TXT');
  assert.deepEqual([nodata.status, nodata.ad], ['NOERROR', true]);
  const child = await resolve('www.insecure.optout.test', 'A');
  assert.deepEqual([child.status, child.ad, child.answer], ['NOERROR', false, ['www.insecure.optout.test. IN A 192.0.2.154']]);
  const nx = await resolve('nope.optout.test', 'A');
  assert.equal(nx.status, 'NXDOMAIN');
});

test('a secure delegation validates into the child (ECDSA P-384); an insecure one answers without AD', { skip: NO_UNBOUND }, async () => {
  const secure = await resolve('www.secure.signable.test', 'A');
  assert.deepEqual([secure.status, secure.ad, secure.answer], ['NOERROR', true, ['www.secure.signable.test. IN A 192.0.2.153']]);
  const insecure = await resolve('www.insecure.signable.test', 'A');
  assert.deepEqual([insecure.status, insecure.ad, insecure.answer], ['NOERROR', false, ['www.insecure.signable.test. IN A 192.0.2.154']]);
});

async function delv(name: string, type: string, zone: string): Promise<string> {
  const anchor = anchors.find((a) => a.startsWith(`${zone}.`))!.split(' ');
  const file = join(dir, `delv-${zone}.conf`);
  writeFileSync(file, `trust-anchors { ${anchor[0]} static-ds ${anchor[2]} ${anchor[3]} ${anchor[4]} "${anchor[5]}"; };\n`);
  const r = await run('delv', ['@127.0.0.1', '-p', String(geodesic.port), '-a', file, `+root=${zone}`, '+tcp', name, type], 10_000);
  return r.stdout + r.stderr;
}

test('delv with the DS as trust anchor: fully validated answers and denials, failure on a tampered signature', { skip: NO_DELV }, async () => {
  for (const zone of ['signable.test', 'nsecsigned.test']) {
    assert.match(await delv(`www.${zone}`, 'A', zone), /; fully validated\n[\s\S]*192\.0\.2\.80/, zone);
    assert.match(await delv(`nope.${zone}`, 'A', zone), /; negative response, fully validated/, zone);
    assert.match(await delv(`www.${zone}`, 'TXT', zone), /; negative response, fully validated/, zone);
    assert.match(await delv(`x.wild.${zone}`, 'A', zone), /; fully validated\n[\s\S]*192\.0\.2\.42/, zone);
    assert.match(await delv(`chain.${zone}`, 'A', zone), /; fully validated\n[\s\S]*192\.0\.2\.80/, zone);
  }
  assert.match(await delv('tampered.bogus.test', 'A', 'bogus.test'), /resolution failed|validation failed|no valid signature/i);
  assert.match(await delv('www.bogus.test', 'A', 'bogus.test'), /; fully validated/);
});

async function verifyAxfr(zone: string): Promise<{ code: number; out: string }> {
  const axfr = await run('dig', ['@127.0.0.1', '-p', String(geodesic.port), '+time=3', '+tries=1', '+onesoa', '+nocmd', '+nostats',
    '+nocomments', '+noquestion', zone, 'AXFR'], 10_000);
  const file = join(dir, `${zone}.axfr`);
  writeFileSync(file, axfr.stdout);
  const v = await run('ldns-verify-zone', [file], 20_000);
  return { code: v.code, out: v.stdout + v.stderr };
}

test('ldns-verify-zone accepts an AXFR of each signed zone and rejects the tampered one', { skip: NO_LDNS }, async () => {
  for (const zone of ['signable.test', 'nsecsigned.test', 'secure.signable.test', 'optout.test']) {
    const v = await verifyAxfr(zone);
    assert.equal(v.code, 0, `${zone}: ${v.out}`);
    assert.match(v.out, /Zone is verified and complete/);
  }
  assert.notEqual((await verifyAxfr('bogus.test')).code, 0);
});

test('the zone loader reads the printed signed zone back unchanged', () => {
  const text = readFileSync(join(dir, 'signable.test.zone'), 'utf8');
  const again = printZone(loadZoneFile(join(dir, 'signable.test.zone')));
  assert.equal(again, text);
});
