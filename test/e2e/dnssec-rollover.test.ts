// Key rollovers run to completion on an injected clock while unbound keeps validating: a ZSK pre-publish
// rollover, a CSK rollover that publishes CDS/CDNSKEY and waits for the parent's DS (the test plays the
// registrar: it copies CDS into the parent zone, also served here), and an algorithm rollover (KSK+ZSK
// ECDSA P-256 → Ed25519 CSK). The server is in-process (engine, real UDP/TCP listeners, store, catalog);
// unbound caches at most 1 s, so after each clock step it asks again, as a cache whose TTLs ran out would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RRType, rdataToText } from '../../src/wire/index.js';
import { Catalog } from '../../src/catalog/index.js';
import { createScratchStore, openStore } from '../../src/store/index.js';
import type { ScratchStore } from '../../src/store/index.js';
import { Engine } from '../../src/engine/index.js';
import { listenTcp, listenUdp } from '../../src/net/index.js';
import type { TcpEndpoint, UdpListener } from '../../src/net/index.js';
import { installed, resolveVia, startUnbound } from './lib/validators.js';
import { freePort } from './lib/free-port.js';
import type { Unbound } from './lib/validators.js';

const NO_UNBOUND = installed('unbound') ? false : 'unbound is not installed (apt-get install unbound)';
const dir = mkdtempSync(join(tmpdir(), 'geodesic-rollover-'));
const P = 'roll.test.';
const ZSK = `zsk.${P}`;
const CSK = `csk.${P}`;
let clock = Date.UTC(2026, 10, 30);
let scratch: ScratchStore;
let cat: Catalog;
let udp: UdpListener;
let tcp: TcpEndpoint;
let unbound: Unbound | undefined;

const soa = (z: string): { name: string; type: string; ttl: number; content: string } =>
  ({ name: z, type: 'SOA', ttl: 60, content: `ns.${z} hm.${z} 1 60 60 600 30` });
const zone = (z: string, extra: { name: string; type: string; ttl?: number; content: string }[] = []) => ({
  name: z, records: [soa(z), { name: z, type: 'NS', ttl: 60, content: `ns.${z}` }, { name: `ns.${z}`, type: 'A', ttl: 60, content: '192.0.2.1' },
    { name: `www.${z}`, type: 'A', ttl: 60, content: '192.0.2.80' }, ...extra],
});

/** The parent's DS RRset for a child: what the registrar publishes. */
async function setParentDs(child: string, ds: string[]): Promise<void> {
  await cat.apply(P, { rrsets: [{ name: child, type: 'DS', changetype: 'REPLACE', ttl: 60, records: ds.map((content) => ({ content })) }] }, 'registrar');
  await cat.settled();
}

before(async () => {
  scratch = await createScratchStore('sqlite');
  const engine = new Engine({ transfers: false });
  cat = await Catalog.open(await openStore(scratch.where), {
    pollMs: 0,
    onChange: (zones) => { engine.setZones(zones); udp?.cache?.clear(); },
    dnssec: { dnskeyTtl: 60, rollover: { now: () => clock, propagationDelay: 60 } },
  });
  await cat.createZone(zone(P, [
    { name: ZSK, type: 'NS', content: `ns.${ZSK}` }, { name: `ns.${ZSK}`, type: 'A', content: '192.0.2.1' },
    { name: CSK, type: 'NS', content: `ns.${CSK}` }, { name: `ns.${CSK}`, type: 'A', content: '192.0.2.1' },
  ]), 't');
  await cat.createZone(zone(ZSK), 't');
  await cat.createZone(zone(CSK), 't');
  const parentKeys = await cat.dnssec.enable(P);
  // zsk.roll.test: KSK + ZSK; csk.roll.test: one CSK
  const ksk = await cat.dnssec.addKey(ZSK, { keytype: 'ksk', active: true });
  await cat.dnssec.addKey(ZSK, { keytype: 'zsk', active: true });
  const csk = await cat.dnssec.enable(CSK);
  await setParentDs(ZSK, [ksk.ds[0]!]);
  await setParentDs(CSK, [csk[0]!.ds[0]!]);
  engine.setZones(cat.zones);
  const port = await freePort();
  udp = await listenUdp({ host: '127.0.0.1', port, engine, rrl: null, forceDgram: true });
  tcp = await listenTcp({ host: '127.0.0.1', port, engine });
  if (!NO_UNBOUND) {
    unbound = await startUnbound(dir, udp.endpoint.port, [P, ZSK, CSK], [`${P} DS ${parentKeys[0]!.ds[0]}`], { cacheMaxTtl: 1 });
  }
});

after(async () => {
  await unbound?.stop();
  await udp?.endpoint.close();
  await tcp?.close();
  await cat?.close();
  await scratch?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Every question validates (AD) through unbound right now, after its 1 s cache has gone. */
async function validates(when: string): Promise<void> {
  await new Promise((ok) => setTimeout(ok, 1100));
  const problems: string[] = [];
  for (const z of [ZSK, CSK]) {
    for (const [name, type, status] of [[`www.${z}`, 'A', 'NOERROR'], [`nope.${z}`, 'A', 'NXDOMAIN'], [`www.${z}`, 'TXT', 'NOERROR']] as const) {
      const r = await resolveVia(unbound!.port, name, type);
      if (r.status !== status || !r.ad) problems.push(`${name} ${type}: ${r.status}${r.ad ? '' : ' (not validated)'}`);
    }
  }
  assert.deepEqual(problems, [], `${when}\n${unbound!.log().slice(-2500)}`);
}

/** Steps the clock an hour at a time, ticking the rollover, until it is done; returns the steps seen. */
async function runToEnd(z: string, registrar?: () => Promise<void>): Promise<string[]> {
  const steps: string[] = [];
  for (let i = 0; i < 12; i++) {
    const s = await cat.dnssec.rollovers.state(z);
    if (s === null) return steps;
    steps.push(s.step);
    if (s.step === 'ds-wait' && registrar !== undefined) await registrar();
    clock += 3600_000;
    await cat.dnssec.maintain();
    await cat.settled();
    await validates(`${z} after step ${s.step}`);
  }
  throw new Error(`rollover of ${z} did not end: ${steps.join(' → ')}`);
}

/** The registrar: the parent's DS becomes what the child's CDS says. */
const registrar = (child: string) => async (): Promise<void> => {
  const cds = cat.zone(child)!.apex.get(RRType.CDS);
  assert.ok(cds !== undefined, `${child} publishes CDS while it waits for its DS`);
  await setParentDs(child, cds.rdata.map((r) => rdataToText(RRType.DS, r)));
};

test('ZSK pre-publish rollover runs to completion; unbound validates at every step', { skip: NO_UNBOUND, timeout: 120_000 }, async () => {
  await validates('before');
  const before = await cat.dnssec.keys(ZSK);
  await cat.dnssec.rollover(ZSK, 'zsk');
  const steps = await runToEnd(ZSK);
  assert.deepEqual(steps, ['publish', 'retire']);
  const after = await cat.dnssec.keys(ZSK);
  assert.equal(after.length, 2);
  assert.equal(after.filter((k) => k.keytype === 'zsk' && k.active).length, 1);
  assert.ok(!after.some((k) => k.id === before.find((b) => b.keytype === 'zsk')!.id), 'the old ZSK is gone');
});

test('CSK rollover: CDS/CDNSKEY name the new key, the parent\'s DS is awaited, then the old key goes', { skip: NO_UNBOUND, timeout: 120_000 }, async () => {
  const old = (await cat.dnssec.keys(CSK))[0]!;
  await cat.dnssec.rollover(CSK, 'csk');
  // without the registrar the rollover waits at ds-wait, however long
  for (let i = 0; i < 3; i++) { clock += 3600_000; await cat.dnssec.maintain(); await cat.settled(); }
  assert.equal((await cat.dnssec.rollovers.state(CSK))!.step, 'ds-wait');
  await validates('waiting for the DS');
  const steps = await runToEnd(CSK, registrar(CSK));
  assert.deepEqual(steps, ['ds-wait', 'ds-seen', 'retire']);
  const keys = await cat.dnssec.keys(CSK);
  assert.equal(keys.length, 1);
  assert.notEqual(keys[0]!.id, old.id);
  assert.equal(cat.zone(CSK)!.apex.get(RRType.CDS), undefined, 'CDS is withdrawn once the rollover is done');
});

test('algorithm rollover (ECDSA P-256 KSK+ZSK → Ed25519 CSK) runs to completion; unbound validates throughout', { skip: NO_UNBOUND, timeout: 120_000 }, async () => {
  await cat.dnssec.rollover(ZSK, 'csk', { algorithm: 'ed25519' });
  const steps = await runToEnd(ZSK, registrar(ZSK));
  assert.deepEqual(steps, ['publish', 'ds-wait', 'ds-seen', 'retire']);
  const keys = await cat.dnssec.keys(ZSK);
  assert.deepEqual(keys.map((k) => [k.algorithm, k.keytype]), [['ED25519', 'csk']]);
});
