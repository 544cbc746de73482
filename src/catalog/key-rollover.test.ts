import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RRType } from '../wire/index.js';
import { SCRATCH_DIALECTS, createScratchStore, openStore } from '../store/index.js';
import type { ScratchStore } from '../store/index.js';
import { Catalog } from './index.js';
import type { ParentDs } from './index.js';

const T = { timeout: 90_000 };
const Z = 'roll.test.';
const HOUR = 3_600_000;

describe('key rollovers on an injected clock', { ...T, concurrency: true }, () => {
  for (const dialect of SCRATCH_DIALECTS) {
    describe(dialect, { ...T, concurrency: false }, () => {
      let scratch: ScratchStore;
      let cat: Catalog;
      let clock = Date.UTC(2026, 0, 1);
      let parent: ParentDs | null = null;
      const tick = async (ms = HOUR): Promise<void> => { clock += ms; await cat.dnssec.maintain(); await cat.settled(); };
      const dnskeys = (): number => cat.zone(Z)!.apex.get(RRType.DNSKEY)?.rdata.length ?? 0;
      before(async () => {
        scratch = await createScratchStore(dialect);
        cat = await Catalog.open(await openStore(scratch.where), {
          pollMs: 0,
          dnssec: { rollover: { now: () => clock, propagationDelay: 60, zskLifetime: 30 * 86400, dsLookup: async () => parent } },
        });
        await cat.createZone({ name: Z, records: [
          { name: Z, type: 'SOA', ttl: 300, content: `ns.${Z} hm.${Z} 1 3600 600 86400 300` },
          { name: Z, type: 'NS', ttl: 300, content: `ns.${Z}` }, { name: `ns.${Z}`, type: 'A', ttl: 300, content: '192.0.2.1' },
        ] }, 't');
        await cat.dnssec.addKey(Z, { keytype: 'ksk', active: true });
        await cat.dnssec.addKey(Z, { keytype: 'zsk', active: true });
      });
      after(async () => {
        await cat?.close();
        await scratch?.drop();
      });

      it('a ZSK past its lifetime rolls by itself: published, then signing, then gone', async () => {
        await tick();
        assert.equal(await cat.dnssec.rollovers.state(Z), null, 'young keys do not roll');
        await tick(31 * 86400_000);
        assert.equal((await cat.dnssec.rollovers.state(Z))?.step, 'publish');
        assert.equal(dnskeys(), 3, 'the next ZSK is published before it signs');
        await tick();
        assert.equal((await cat.dnssec.rollovers.state(Z))?.step, 'publish', 'DNSKEY TTL 3600 + propagation 60 not over yet');
        await tick();
        assert.equal((await cat.dnssec.rollovers.state(Z))?.step, 'retire');
        const keys = await cat.dnssec.keys(Z);
        assert.deepEqual(keys.map((k) => `${k.keytype}:${k.state}`), ['ksk:active', 'zsk:retired', 'zsk:active']);
        await tick(2 * HOUR); // the zone's largest TTL (DNSKEY 3600) + propagation
        assert.equal(await cat.dnssec.rollovers.state(Z), null);
        assert.equal(dnskeys(), 2);
      });

      it('a KSK rollover waits at ds-wait (CDS published) until the parent\'s servers publish the DS, or a manual ds-seen', async () => {
        await cat.dnssec.rollover(Z, 'ksk');
        await tick();
        assert.equal((await cat.dnssec.rollovers.state(Z))?.step, 'publish', 'DNSKEY TTL 3600 + propagation 60 not over yet');
        await tick();
        assert.equal((await cat.dnssec.rollovers.state(Z))?.step, 'ds-wait');
        const cds = cat.zone(Z)!.apex.get(RRType.CDS);
        assert.equal(cds?.rdata.length, 1, 'CDS names the new key only');
        parent = { ds: [], ttl: 3600 };
        await tick(); await tick();
        assert.equal((await cat.dnssec.rollovers.state(Z))?.step, 'ds-wait', 'no DS at the parent: still waiting');
        parent = { ds: [cds!.rdata[0]!], ttl: 7200 };
        await tick();
        const seen = await cat.dnssec.rollovers.state(Z);
        assert.equal(seen?.step, 'ds-seen');
        assert.equal(seen?.dsTtl, 7200);
        await tick(HOUR); // 3600 s < DS TTL 7200 + 60: the old KSK still signs
        assert.equal((await cat.dnssec.rollovers.state(Z))?.step, 'ds-seen');
        await tick(2 * HOUR);
        assert.equal((await cat.dnssec.rollovers.state(Z))?.step, 'retire');
        await tick(2 * HOUR);
        assert.equal(await cat.dnssec.rollovers.state(Z), null);
        assert.equal(cat.zone(Z)!.apex.get(RRType.CDS), undefined);
        assert.deepEqual((await cat.dnssec.keys(Z)).map((k) => k.keytype).sort(), ['ksk', 'zsk']);
        // the manual confirmation
        parent = null;
        await cat.dnssec.rollover(Z, 'ksk');
        await tick(2 * HOUR);
        await cat.dnssec.rollovers.dsSeen(Z);
        assert.equal((await cat.dnssec.rollovers.state(Z))?.step, 'ds-seen');
        for (let i = 0; i < 3 && await cat.dnssec.rollovers.state(Z) !== null; i++) await tick(24 * HOUR);
        assert.equal(await cat.dnssec.rollovers.state(Z), null);
      });

      it('disabling safely: CDS/CDNSKEY delete until the parent has no DS, then after its TTL the keys go', async () => {
        const ds = cat.zone(Z)!.apex.get(RRType.DNSKEY) !== undefined;
        assert.ok(ds);
        parent = { ds: [new Uint8Array([1, 2, 3, 4])], ttl: 600 };
        await cat.dnssec.unsign(Z);
        assert.deepEqual([...cat.zone(Z)!.apex.get(RRType.CDS)!.rdata[0]!], [0, 0, 0, 0, 0], 'CDS delete (RFC 8078)');
        await tick(); await tick();
        assert.equal((await cat.dnssec.rollovers.state(Z))?.step, 'ds-wait', 'the parent still has a DS');
        assert.ok(cat.zone(Z)!.apex.get(RRType.DNSKEY) !== undefined, 'still signed');
        parent = { ds: [], ttl: 0 };
        await tick();
        assert.equal((await cat.dnssec.rollovers.state(Z))?.step, 'ds-seen');
        await tick(25 * HOUR);
        assert.equal(await cat.dnssec.rollovers.state(Z), null);
        assert.equal(cat.zone(Z)!.apex.get(RRType.DNSKEY), undefined, 'served unsigned');
        assert.deepEqual(await cat.dnssec.keys(Z), []);
      });
    });
  }
});
