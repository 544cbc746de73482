import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { RRType, nameFromText, rdataToText, typeToText } from '../wire/index.js';
import { SCRATCH_DIALECTS, createScratchStore, openStore } from '../store/index.js';
import type { ScratchStore } from '../store/index.js';
import { Catalog, entryDiff } from './index.js';
import type { ZoneChangedEvent, ZoneSpec } from './index.js';

const T = { timeout: 30_000 };
const NOW = Date.UTC(2026, 10, 30, 12);

const spec = (name: string, serialPolicy = 'increment'): ZoneSpec => ({
  name, serialPolicy, records: [
    { name, type: 'SOA', ttl: 3600, content: `ns1.${name} hostmaster.${name} 100 7200 3600 1209600 300` },
    { name, type: 'NS', ttl: 3600, content: `ns1.${name}` },
    { name: `ns1.${name}`, type: 'A', ttl: 3600, content: '192.0.2.53' },
    { name: `www.${name}`, type: 'A', ttl: 300, content: '192.0.2.1' },
  ],
});

/** What the snapshot serves at a name and type, as presentation text. */
function served(c: Catalog, zone: string, owner: string, type: number): string[] {
  const z = c.zone(zone);
  const node = z?.node(z.lookup(nameFromText(owner)).node?.key ?? '');
  return (node?.get(type)?.rdata ?? []).map((r) => rdataToText(type, r));
}

describe('catalog', { ...T, concurrency: true }, () => {
for (const dialect of SCRATCH_DIALECTS) {
  describe(`catalog on ${dialect}`, { ...T, concurrency: false }, () => {
    let scratch: ScratchStore;
    let cat: Catalog;
    before(async () => {
      scratch = await createScratchStore(dialect);
      cat = await Catalog.open(await openStore(scratch.where), { pollMs: 0, now: () => NOW });
    });
    after(async () => {
      await cat?.close();
      await scratch?.drop();
    });

    it('creates a zone and serves it from memory', async () => {
      const r = await cat.createZone(spec('a.test.'), 'tester');
      assert.equal(r.serialAfter, 100);
      assert.deepEqual(served(cat, 'a.test.', 'www.a.test.', RRType.A), ['192.0.2.1']);
      await assert.rejects(cat.createZone(spec('a.test.'), 'tester'), { code: 'GDNS_ERR_ZONE_EXISTS' });
    });

    it('applies a change in one transaction: RRsets, serial by policy, journal; the snapshot is swapped', async () => {
      const events: ZoneChangedEvent[] = [];
      const onEvent = (m: unknown): void => {
        if ((m as ZoneChangedEvent).store === cat.status().location) events.push(m as ZoneChangedEvent);
      };
      subscribe('gdns:zone:changed', onEvent);
      try {
        const r = await cat.apply('a.test', { rrsets: [
          { name: 'www.a.test.', type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '192.0.2.2' }, { content: '192.0.2.3', disabled: true }],
            comments: [{ content: 'moved', account: 'ops' }] },
          { name: 'mail.a.test.', type: 'MX', changetype: 'REPLACE', ttl: 60, records: [{ content: '10 mx.example.net.' }] },
        ] }, 'alice');
        assert.deepEqual([r.serialBefore, r.serialAfter], [100, 101]);
        await cat.settled();
        assert.deepEqual(events.map((e) => [e.zone, e.serial, e.origin]), [['a.test.', 101, 'local']]);
      } finally {
        unsubscribe('gdns:zone:changed', onEvent);
      }
      assert.deepEqual(served(cat, 'a.test.', 'www.a.test.', RRType.A), ['192.0.2.2']);
      assert.deepEqual(served(cat, 'a.test.', 'mail.a.test.', RRType.MX), ['10 mx.example.net.']);
      assert.equal(cat.zone('a.test.')!.serial, 101);
      const stored = await cat.stored('a.test.');
      assert.deepEqual(stored.records.filter((x) => x.name === 'www.a.test.').map((x) => [x.content, x.disabled]), [['192.0.2.2', false], ['192.0.2.3', true]]);
      assert.deepEqual(stored.comments.map((c) => c.content), ['moved']);

      const chain = await cat.journal('a.test.', 100);
      assert.equal(chain!.length, 1);
      assert.equal(chain![0]!.author, 'alice');
      const diff = entryDiff(chain![0]!);
      const text = (rrs: typeof diff.added): string[] => rrs.map((rr) => `${typeToText(rr.type)} ${rdataToText(rr.type, rr.rdata)}`);
      assert.deepEqual(text(diff.removed), ['SOA ns1.a.test. hostmaster.a.test. 100 7200 3600 1209600 300', 'A 192.0.2.1']);
      assert.deepEqual(text(diff.added), ['SOA ns1.a.test. hostmaster.a.test. 101 7200 3600 1209600 300', 'A 192.0.2.2', 'MX 10 mx.example.net.']);
      assert.deepEqual(await cat.journal('a.test.', 101), []);
      assert.equal(await cat.journal('a.test.', 7), null);
    });

    it('rolls back a change with bad content or a zone check failure, leaving the snapshot', async () => {
      const counter = await cat.store.q.counter();
      await assert.rejects(cat.apply('a.test.', { rrsets: [{ name: 'www.a.test.', type: 'A', changetype: 'REPLACE', records: [{ content: 'not-an-address' }] }] }, 'x'),
        { code: 'GDNS_ERR_RECORD_INVALID' });
      await assert.rejects(cat.apply('a.test.', { rrsets: [{ name: 'www.a.test.', type: 'CNAME', changetype: 'REPLACE', records: [{ content: 'x.example.' }] }] }, 'x'),
        { code: 'GDNS_ERR_ZONE_CHECK' });
      // Found by the zone checks at the changed name before the write commits (it would stop the next load).
      await assert.rejects(cat.apply('a.test.', { rrsets: [{ name: 'www.a.test.', type: 'ALIAS', changetype: 'REPLACE', records: [{ content: 'x.example.' }] }] }, 'x'),
        { code: 'GDNS_ERR_ZONE_CHECK', message: /ALIAS/ });
      await assert.rejects(cat.apply('a.test.', { rrsets: [{ name: 'www.b.test.', type: 'A', changetype: 'DELETE' }] }, 'x'), { code: 'GDNS_ERR_RECORD_INVALID' });
      await assert.rejects(cat.apply('nope.test.', { rrsets: [] }, 'x'), { code: 'GDNS_ERR_ZONE_NOT_FOUND' });
      assert.equal(await cat.store.q.counter(), counter);
      await cat.settled();
      assert.equal(cat.zone('a.test.')!.serial, 101);
      assert.deepEqual((await cat.stored('a.test.')).records.filter((x) => x.type === RRType.CNAME), []);
      await assert.rejects(cat.apply('a.test.', { rrsets: [{ name: 'a.test.', type: 'CNAME', changetype: 'REPLACE', records: [{ content: 'x.example.' }] }] }, 'x'),
        { code: 'GDNS_ERR_ZONE_CHECK' });
    });

    it('follows the zone policy (date), keeps an explicitly newer serial, deletes RRsets', async () => {
      await cat.createZone(spec('d.test.', 'DEFAULT'), 'tester');
      const r1 = await cat.apply('d.test.', { rrsets: [{ name: 'www.d.test.', type: 'A', changetype: 'DELETE' }] }, 'x');
      assert.equal(r1.serialAfter, 2026113001);
      await cat.settled();
      assert.deepEqual(served(cat, 'd.test.', 'www.d.test.', RRType.A), []);
      const r2 = await cat.apply('d.test.', { rrsets: [{ name: 'd.test.', type: 'SOA', changetype: 'REPLACE', ttl: 3600,
        records: [{ content: 'ns1.d.test. hostmaster.d.test. 2027000000 7200 3600 1209600 300' }] }] }, 'x');
      assert.equal(r2.serialAfter, 2027000000);
      const chain = await cat.journal('d.test.', 100);
      assert.deepEqual(chain!.map((e) => [e.serialFrom, e.serialTo]), [[100, 2026113001], [2026113001, 2027000000]]);
    });

    it('a second node on the same database sees writes and deletions after a poll', async () => {
      const other = await Catalog.open(await openStore(scratch.where), { pollMs: 0, now: () => NOW });
      try {
        assert.equal(other.zone('a.test.')!.serial, 101);
        await cat.apply('a.test.', { rrsets: [{ name: 'new.a.test.', type: 'TXT', changetype: 'REPLACE', ttl: 5, records: [{ content: '"hello"' }] }] }, 'x');
        await cat.settled();
        const events = await other.poll();
        assert.deepEqual(events.map((e) => [e.zone, e.serial, e.origin]), [['a.test.', 102, 'remote']]);
        assert.deepEqual(served(other, 'a.test.', 'new.a.test.', RRType.TXT), ['"hello"']);
        assert.deepEqual(await other.poll(), []);
        // a write through the other node starts from its own (current) snapshot
        await other.apply('a.test.', { rrsets: [{ name: 'new.a.test.', type: 'TXT', changetype: 'DELETE' }] }, 'y');
        await cat.poll();
        assert.deepEqual(served(cat, 'a.test.', 'new.a.test.', RRType.TXT), []);
        await cat.deleteZone('d.test.', 'x');
        assert.deepEqual((await other.poll()).map((e) => [e.zone, e.serial]), [['d.test.', null]]);
        assert.equal(other.zone('d.test.'), undefined);
      } finally {
        await other.close();
      }
    });
  });
}

describe('catalog on PostgreSQL: LISTEN/NOTIFY', T, () => {
  it("another node's commit arrives without waiting for a poll", async () => {
    const scratch = await createScratchStore('postgres');
    try {
      // pollMs 0: no timer at all, so only the notification can bring the change.
      const writer = await Catalog.open(await openStore(scratch.where), { pollMs: 0 });
      const reader = await Catalog.open(await openStore(scratch.where), { pollMs: 0 });
      try {
        assert.equal(reader.status().notified, true);
        await writer.createZone(spec('n.test.'), 'x');
        const t0 = Date.now();
        while (reader.zone('n.test.') === undefined && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
        assert.equal(reader.zone('n.test.')?.serial, 100, 'the reader loaded the zone on the notification');
        assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
      } finally {
        await reader.close();
        await writer.close();
      }
    } finally {
      await scratch.drop();
    }
  });
});

describe('catalog on a read-only PostgreSQL session', T, () => {
  it('serves, says read-only in its status, and refuses writes', async () => {
    const scratch = await createScratchStore('postgres');
    try {
      const rw = await Catalog.open(await openStore(scratch.where), { pollMs: 0 });
      await rw.createZone(spec('r.test.'), 'x');
      await rw.close();
      const u = new URL(scratch.where.db!);
      u.searchParams.set('options', '-c default_transaction_read_only=on');
      const ro = await Catalog.open(await openStore({ db: u.toString() }), { pollMs: 0 });
      try {
        assert.equal(ro.status().readOnly, true);
        assert.equal(ro.zone('r.test.')!.serial, 100);
        await assert.rejects(ro.apply('r.test.', { rrsets: [] }, 'x'), { code: 'GDNS_ERR_STORE_READ_ONLY' });
      } finally {
        await ro.close();
      }
    } finally {
      await scratch.drop();
    }
  });
});
});
