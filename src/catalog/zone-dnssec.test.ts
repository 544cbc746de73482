import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RRType, nameFromText } from '../wire/index.js';
import { SCRATCH_DIALECTS, createScratchStore, openStore } from '../store/index.js';
import type { ScratchStore } from '../store/index.js';
import { Catalog } from './index.js';
import type { ZoneSpec } from './index.js';

const T = { timeout: 60_000 };

const spec = (name: string): ZoneSpec => ({
  name, serialPolicy: 'increment', records: [
    { name, type: 'SOA', ttl: 3600, content: `ns1.${name} hostmaster.${name} 100 7200 3600 1209600 300` },
    { name, type: 'NS', ttl: 3600, content: `ns1.${name}` },
    { name: `ns1.${name}`, type: 'A', ttl: 3600, content: '192.0.2.53' },
    { name: `www.${name}`, type: 'A', ttl: 300, content: '192.0.2.1' },
  ],
});

function sigsAt(c: Catalog, zone: string, owner: string, type: number): number {
  const z = c.zone(zone)!;
  return z.node(z.lookup(nameFromText(owner)).node!.key)?.sigs(type)?.rdata.length ?? 0;
}

describe('store zones signed from keys in the store', { ...T, concurrency: true }, () => {
  for (const dialect of SCRATCH_DIALECTS) {
    describe(dialect, { ...T, concurrency: false }, () => {
      let scratch: ScratchStore;
      let cat: Catalog;
      before(async () => {
        scratch = await createScratchStore(dialect);
        cat = await Catalog.open(await openStore(scratch.where), { pollMs: 0, dnssec: { secret: 'test secret' } });
        await cat.createZone(spec('signed.test.'), 't');
      });
      after(async () => {
        await cat?.close();
        await scratch?.drop();
      });

      it('enable makes a CSK, NSEC3 by default, and the served zone is signed; a change is signed before it is served', async () => {
        const serial = cat.zone('signed.test.')!.serial;
        const keys = await cat.dnssec.enable('signed.test.');
        assert.equal(keys.length, 1);
        assert.equal(keys[0]!.keytype, 'csk');
        assert.equal(keys[0]!.algorithm, 'ECDSAP256SHA256');
        assert.equal(keys[0]!.ds.length, 2);
        assert.match(keys[0]!.ds[0]!, /^\d+ 13 2 [0-9A-F]{64}$/i);
        assert.match(keys[0]!.ds[1]!, /^\d+ 13 4 [0-9A-F]{96}$/i);
        const z = cat.zone('signed.test.')!;
        assert.ok(z.serial > serial, 'enabling raised the serial');
        assert.notEqual(z.nsec3, null);
        assert.equal(z.nsec3!.iterations, 0);
        assert.equal(sigsAt(cat, 'signed.test.', 'www.signed.test.', RRType.A), 1);
        assert.deepEqual(await cat.dnssec.status('signed.test.'), { dnssec: true, nsec3param: '1 0 0 -', nsec3narrow: false, presigned: false });
        await cat.apply('signed.test.', { rrsets: [{ name: 'new.signed.test.', type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '192.0.2.9' }] }] }, 't');
        await cat.settled();
        assert.equal(sigsAt(cat, 'signed.test.', 'new.signed.test.', RRType.A), 1);
      });

      it('enable with serial: false (a zone just created) signs without raising the serial; signedZoneNames lists it', async () => {
        await cat.createZone(spec('fresh.test.'), 't');
        const serial = cat.zone('fresh.test.')!.serial;
        await cat.dnssec.enable('fresh.test.', { serial: false });
        assert.equal(cat.zone('fresh.test.')!.serial, serial);
        assert.equal(sigsAt(cat, 'fresh.test.', 'www.fresh.test.', RRType.A), 1);
        assert.ok((await cat.dnssec.signedZoneNames()).has('fresh.test.'));
        await cat.poll();
        assert.equal(sigsAt(cat, 'fresh.test.', 'www.fresh.test.', RRType.A), 1, 'still signed after the next poll');
      });

      it('cds: always publishes CDS/CDNSKEY for the active KSK/CSK outside rollovers (RFC 8078 bootstrap)', async () => {
        const other = await Catalog.open(await openStore(scratch.where), { pollMs: 0, dnssec: { secret: 'test secret', cds: 'always' } });
        try {
          const z = other.zone('signed.test.')!;
          assert.equal(z.apex.get(RRType.CDS)?.rdata.length, 1);
          assert.equal(z.apex.get(RRType.CDNSKEY)?.rdata.length, 1);
          assert.equal(cat.zone('signed.test.')!.apex.get(RRType.CDS), undefined, 'not by default');
        } finally {
          await other.close();
        }
      });

      it('private keys are encrypted at rest and refused without the secret', async () => {
        const rows = await cat.store.q.db.selectFrom('dnssec_keys').select('private_key').execute();
        assert.ok(rows.length > 0);
        for (const r of rows) assert.match(r.private_key, /^enc:v1:/);
        const other = await Catalog.open(await openStore(scratch.where), { pollMs: 0 });
        try {
          await assert.rejects(other.dnssec.keys('signed.test.'), /encrypted in the store; give the secret it was written with/);
        } finally {
          await other.store.close();
        }
      });

      it('ZSK added inactive, activated, NSEC chosen; deleting every key serves the zone unsigned', async () => {
        const zsk = await cat.dnssec.addKey('signed.test.', { keytype: 'zsk', active: false, algorithm: 'ecdsa256' });
        assert.equal(zsk.keytype, 'zsk');
        assert.equal(zsk.active, false);
        assert.equal(zsk.ds.length, 0);
        assert.equal(sigsAt(cat, 'signed.test.', 'www.signed.test.', RRType.A), 1);
        const dnskeys = cat.zone('signed.test.')!.apex.get(RRType.DNSKEY)!.rdata.length;
        assert.equal(dnskeys, 2, 'the inactive ZSK is published');
        await cat.dnssec.setKey('signed.test.', zsk.id, { active: true });
        const k = await cat.dnssec.keys('signed.test.');
        assert.equal(k.find((x) => x.flags === 257)!.keytype, 'ksk', 'with an active ZSK the SEP key is a KSK');
        assert.equal(sigsAt(cat, 'signed.test.', 'www.signed.test.', RRType.A), 1, 'the ZSK alone signs data');
        await cat.dnssec.setNsec3param('signed.test.', '');
        assert.equal(cat.zone('signed.test.')!.nsec3, null);
        assert.equal((await cat.dnssec.status('signed.test.')).nsec3param, '');
        await assert.rejects(cat.dnssec.setNsec3param('signed.test.', '1 0 500 -'), /too many/);
        await cat.dnssec.disable('signed.test.');
        assert.equal(cat.zone('signed.test.')!.apex.get(RRType.DNSKEY), undefined);
        assert.equal(sigsAt(cat, 'signed.test.', 'www.signed.test.', RRType.A), 0);
      });
    });
  }
});
