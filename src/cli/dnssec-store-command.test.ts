import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../catalog/index.js';
import { openStore } from '../store/index.js';
import { storeDnssec } from './dnssec-store-command.js';

const dir = mkdtempSync(join(tmpdir(), 'geodesic-dnssec-store-cli-'));
const data = join(dir, 'data');
const secretFile = join(dir, 'secret');
const Z = 'cli.test.';

function io(): { out: string[]; err: string[]; io: { out: (s: string) => void; err: (s: string) => void } } {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { out: (s) => { out.push(s); }, err: (s) => { err.push(s); } } };
}

before(async () => {
  writeFileSync(secretFile, 'a long enough test secret\n', { mode: 0o600 });
  const c = await Catalog.open(await openStore({ data }), { pollMs: 0 });
  await c.createZone({ name: Z, records: [
    { name: Z, type: 'SOA', content: `ns.${Z} hm.${Z} 1 3600 600 86400 300` },
    { name: Z, type: 'NS', content: `ns.${Z}` }, { name: `ns.${Z}`, type: 'A', content: '192.0.2.1' },
  ] }, 't');
  await c.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('geodesic dnssec enable/keys/ds/rollover/ds-seen/disable on the store, keys encrypted with --secret-file', async () => {
  const flags = { data, secretFile };
  const e = io();
  assert.equal(await storeDnssec.enable(Z, { ...flags, algorithm: 'ed25519' }, e.io), 0);
  assert.match(e.out.join(''), /DNSSEC enabled for cli\.test\. \(NSEC3 1 0 0 -\)/);
  assert.equal(e.out.join('').match(/^cli\.test\. IN DS \d+ 15 [24] /gm)?.length, 2);
  const k = io();
  assert.equal(await storeDnssec.keys(Z, flags, k.io), 0);
  assert.match(k.out.join(''), /key \d+ tag \d+ CSK ED25519 active active published/);
  const noSecret = io();
  await assert.rejects(storeDnssec.keys(Z, { data }, noSecret.io), /encrypted in the store/);
  const d = io();
  assert.equal(await storeDnssec.ds(Z, { ...flags, digest: '2' }, d.io), 0);
  assert.equal(d.out.length, 1);
  const r = io();
  assert.equal(await storeDnssec.rollover(Z, 'csk', flags, r.io), 0);
  assert.match(r.out.join(''), /CSK rollover of cli\.test\. started/);
  const again = io();
  await assert.rejects(storeDnssec.rollover(Z, 'csk', flags, again.io), /already running/);
  const zsk = io();
  assert.equal(await storeDnssec.rollover(Z, 'big', flags, zsk.io), 2);
  const early = io();
  await assert.rejects(storeDnssec.dsSeen(Z, flags, early.io), /not waiting for its parent's DS/);
  const k2 = io();
  await storeDnssec.keys(Z, flags, k2.io);
  assert.match(k2.out.join(''), /rollover: KSK\/CSK at step publish/);
  const busy = io();
  await assert.rejects(storeDnssec.disable(Z, flags, busy.io), /rollover .* is running/);
  const off = io();
  assert.equal(await storeDnssec.disable(Z, { ...flags, now: true }, off.io), 0);
  const k3 = io();
  await storeDnssec.keys(Z, flags, k3.io);
  assert.match(k3.out.join(''), /DNSSEC disabled/);
});
