import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { RRType } from '../wire/index.js';
import { loadZoneFile } from '../zone/index.js';
import { dnssecDisable, dnssecDs, dnssecEnable, dnssecKeys, dnssecSign, registerDnssecCommands } from './dnssec-command.js';
import { resignDelayMs, signLoadedZone } from './dnssec-serve.js';

const dir = mkdtempSync(join(tmpdir(), 'geodesic-dnssec-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const keys = join(dir, 'keys');
const zoneFile = join(dir, 'example.test.zone');
writeFileSync(zoneFile, '$ORIGIN example.test.\n@ 300 SOA ns h 1 2 3 4 5\n@ 300 NS ns\nns 300 A 192.0.2.1\n');

function io(): { out: string[]; err: string[]; io: { out: (s: string) => void; err: (s: string) => void } } {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { out: (s) => { out.push(s); }, err: (s) => { err.push(s); } } };
}

test('enable makes a CSK and prints its DS (SHA-256 and SHA-384); keys lists it; ds prints the same', () => {
  const c = io();
  assert.equal(dnssecEnable('example.test', { keys }, c.io), 0);
  const ds = c.out.join('').match(/^example\.test\. IN DS .*$/gm)!;
  assert.equal(ds.length, 2);
  assert.match(ds[0]!, /^example\.test\. IN DS \d+ 13 2 [0-9A-F]{64}$/);
  assert.match(ds[1]!, /^example\.test\. IN DS \d+ 13 4 [0-9A-F]{96}$/);
  const k = io();
  assert.equal(dnssecKeys('example.test.', { keys }, k.io), 0);
  assert.match(k.out.join(''), /key \d+ CSK ECDSAP256SHA256 active published/);
  assert.match(k.out.join(''), /example\.test\. IN DNSKEY 257 3 13 /);
  const d = io();
  assert.equal(dnssecDs('example.test', { keys, digest: '2' }, d.io), 0);
  assert.deepEqual(d.out, [ds[0] + '\n']);
});

test('enable --split --algorithm ed25519 --nsec: a KSK and a ZSK; sign prints a zone served with both', () => {
  const c = io();
  assert.equal(dnssecEnable('split.test', { keys, split: true, algorithm: 'ed25519', nsec: true }, c.io), 0);
  const k = io();
  dnssecKeys('split.test', { keys }, k.io);
  assert.match(k.out.join(''), /KSK ED25519[\s\S]*ZSK ED25519/);
  assert.match(k.out.join(''), /split\.test\. DNSSEC enabled, nsec\n/);
});

test('sign prints the zone signed; serve helpers sign only enabled zones', async () => {
  const c = io();
  assert.equal(dnssecSign(zoneFile, { keys, now: '1800000000' }, c.io), 0);
  assert.match(c.out.join(''), /\tRRSIG\tSOA 13 2 300 20270129080000 20270115070000 /);
  const zone = loadZoneFile(zoneFile);
  const signed = await signLoadedZone(zone, { keysDir: keys });
  assert.ok(signed.apex.get(RRType.DNSKEY));
  const sig = (z: typeof zone): string => Buffer.from(z.apex.sigs(RRType.SOA)!.rdata[0]!).toString('hex');
  assert.equal(sig(await signLoadedZone(signed, { keysDir: keys }, signed)), sig(signed), 'the refresh keeps fresh signatures');
  assert.equal(resignDelayMs(zone, { keysDir: keys }), Math.floor(14 * 86400 * 0.75) * 1000);
  assert.equal(dnssecDisable('example.test', { keys }, io().io), 0);
  assert.equal(await signLoadedZone(zone, { keysDir: keys }), zone);
  assert.equal(resignDelayMs(zone, { keysDir: keys }), null);
});

test('commands on a zone without keys fail with exit 1 and say so', () => {
  for (const cmd of [dnssecDisable, dnssecKeys, dnssecDs]) {
    const c = io();
    assert.equal(cmd('none.test', { keys }, c.io), 1);
    assert.match(c.err.join(''), /no keys for none\.test\. in /);
  }
  const c = io();
  assert.equal(dnssecSign(join(dir, 'missing.zone'), { keys }, c.io), 2);
});

test('registerDnssecCommands adds dnssec enable|disable|keys|ds|rollover|ds-seen|sign', () => {
  const program = new Command();
  registerDnssecCommands(program);
  const d = program.commands.find((x) => x.name() === 'dnssec');
  assert.deepEqual(d?.commands.map((x) => x.name()), ['enable', 'disable', 'keys', 'ds', 'rollover', 'ds-seen', 'sign']);
});
