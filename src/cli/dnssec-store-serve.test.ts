import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { nameFromText } from '../wire/index.js';
import { ZoneSet, buildZone, parseZoneText } from '../zone/index.js';
import { Engine } from '../engine/index.js';
import { listenUdp } from '../net/index.js';
import type { UdpListener } from '../net/index.js';
import { Registry } from 'prom-client';
import { generateKey, signZone } from '../dnssec/index.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { parentDsLookup, registerDnssecMetrics, signingOptions } from './dnssec-store-serve.js';

const DS_A = '11111 13 2 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const DS_B = '22222 13 2 BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const listeners: UdpListener[] = [];
after(async () => { for (const l of listeners) await l.endpoint.close(); });

/** A parent server for parent.test. publishing `ds` (lines) for child.parent.test. */
async function parentServer(ds: string[], ttl: number): Promise<{ host: string; port: number }> {
  const origin = nameFromText('parent.test.');
  const text = `$ORIGIN parent.test.\n@ 300 SOA ns h 1 2 3 4 5\n@ 300 NS ns\nns 300 A 192.0.2.1\nchild 300 NS ns.child\nns.child 300 A 192.0.2.2\n` +
    ds.map((d) => `child ${ttl} DS ${d}\n`).join('');
  const engine = new Engine();
  engine.setZones(new ZoneSet([buildZone(origin, parseZoneText(text, { origin }))]));
  const l = await listenUdp({ host: '127.0.0.1', port: 0, engine, rrl: null, forceDgram: true });
  listeners.push(l);
  return { host: '127.0.0.1', port: l.endpoint.port };
}

test('the parent\'s DS counts only once every parent server publishes it; largest TTL', async () => {
  const both = [await parentServer([DS_A, DS_B], 600), await parentServer([DS_A], 3600)];
  const r = await parentDsLookup(() => null, async () => both)('child.parent.test.');
  assert.ok(r !== null);
  assert.equal(r.ds.length, 1, 'DS_B is not on every server yet');
  assert.equal(r.ds[0]![0]! * 256 + r.ds[0]![1]!, 11111);
  assert.equal(r.ttl, 3600);
  const none = await parentDsLookup(() => null, async () => [])('child.parent.test.');
  assert.equal(none, null, 'no parent server found: cannot tell');
});

test('DNSSEC metrics: signed zones served, online signatures, store signings', async () => {
  const origin = nameFromText('m.test.');
  const zone = buildZone(origin, parseZoneText('$ORIGIN m.test.\n@ 300 SOA ns h 1 2 3 4 5\n@ 300 NS ns\nns 300 A 192.0.2.1\n', { origin }));
  const other = nameFromText('u.test.');
  const unsigned = buildZone(other, parseZoneText('$ORIGIN u.test.\n@ 300 SOA ns h 1 2 3 4 5\n@ 300 NS ns\nns 300 A 192.0.2.1\n', { origin: other }));
  const r = new Registry();
  registerDnssecMetrics(r, () => new ZoneSet([signZone(zone, [generateKey(13)]), unsigned]), () => null);
  const text = await r.metrics();
  assert.match(text, /^geodesic_dnssec_signed_zones 1$/m);
  assert.match(text, /^geodesic_dnssec_online_signatures_total \d+$/m);
});

test('config dnssec: section → catalog signing options (secret from its file, durations with d, rollover policy)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'geodesic-dnssec-config-'));
  try {
    writeFileSync(join(dir, 'secret'), 'sixteen or more characters\n');
    writeFileSync(join(dir, 'g.yaml'), 'dnssec:\n  secret-file: secret\n  validity: 7d\n  refresh: 2d\n  zsk-lifetime: 90d\n  ksk-lifetime: 0\n  propagation-delay: 30m\n  cds: always\n');
    const o = signingOptions(loadConfig(join(dir, 'g.yaml')).config.dnssec, () => null);
    assert.equal(o.secret, 'sixteen or more characters');
    assert.equal(o.validity, 7 * 86400);
    assert.equal(o.refresh, 2 * 86400);
    assert.equal(o.rollover?.zskLifetime, 90 * 86400);
    assert.equal(o.rollover?.kskLifetime, 0);
    assert.equal(o.rollover?.propagationDelay, 1800);
    assert.equal(o.cds, 'always');
    writeFileSync(join(dir, 'bad.yaml'), 'dnssec:\n  validity: 1d\n  refresh: 2d\n');
    assert.throws(() => loadConfig(join(dir, 'bad.yaml')), /dnssec\.refresh.*shorter than dnssec\.validity/);
    writeFileSync(join(dir, 'short'), 'tiny');
    writeFileSync(join(dir, 's.yaml'), 'dnssec:\n  secret-file: short\n');
    assert.throws(() => signingOptions(loadConfig(join(dir, 's.yaml')).config.dnssec, () => null), /at least 16 characters/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
