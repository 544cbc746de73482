import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import {
  SCRATCH_DIALECTS, backupStore, createScratchStore, openStore, restoreStore,
} from './index.js';
import type { ScratchStore, Store, StoreError } from './index.js';

const T = { timeout: 30_000 };

async function* linesOf(lines: string[]): AsyncIterable<string> {
  for (const l of lines) yield l;
}

async function seed(store: Store): Promise<number> {
  return store.write(async (q) => {
    const seq = await q.bumpCounter();
    const id = await q.insertZone({ name: 'example.org.', kind: 'native', primaries: ['192.0.2.1:53'], account: 'ops', serialPolicy: 'date', changeSeq: seq, createdAt: 1 });
    await q.insertRecords(id, [
      { name: 'example.org.', type: 6, ttl: 3600, content: 'ns1.example.org. h.example.org. 1 2 3 4 5', wire: new Uint8Array([0, 1, 2, 255]), disabled: false },
      { name: 'www.example.org.', type: 1, ttl: 300, content: '192.0.2.7', wire: new Uint8Array([192, 0, 2, 7]), disabled: true },
    ]);
    await q.replaceComments(id, 'www.example.org.', 1, [{ name: 'www.example.org.', type: 1, account: 'ops', content: 'web', modifiedAt: 5 }]);
    await q.setMetadata(id, 'SOA-EDIT-API', ['DEFAULT']);
    await q.putTsigKey({ name: 'xfr', algorithm: 'hmac-sha256', secret: 'c2VjcmV0' });
    await q.putSetting('node.name', 'ns1');
    await q.appendJournal({ zoneId: id, seq, serialFrom: 1, serialTo: 2, author: 'test', createdAt: 9,
      changes: [{ name: 'www.example.org.', type: 1, before: null, after: { ttl: 300, records: [{ content: '192.0.2.7', disabled: true }] } }] });
    return id;
  });
}

describe('store', { ...T, concurrency: true }, () => {
for (const dialect of SCRATCH_DIALECTS) {
  describe(`store on ${dialect}`, { ...T, concurrency: false }, () => {
    let scratch: ScratchStore;
    let store: Store;
    before(async () => {
      scratch = await createScratchStore(dialect);
      store = await openStore(scratch.where);
    });
    after(async () => {
      await store?.close();
      await scratch?.drop();
    });

    it('migrates an empty database and reopens without migrating again', async () => {
      const newest = Object.keys(store.dialect.migrations).sort().at(-1);
      assert.equal(store.status().schema, newest);
      assert.equal(store.status().readOnly, false);
      const again = await openStore(scratch.where);
      assert.equal(again.status().schema, newest);
      await again.close();
    });

    it('keeps zones, records (wire bytes, disabled), comments, metadata, keys, settings and the journal', async () => {
      const id = await seed(store);
      const [zone] = await store.q.listZones();
      assert.deepEqual({ ...zone, changeSeq: 0 }, { id, name: 'example.org.', kind: 'native', primaries: ['192.0.2.1:53'], account: 'ops', serialPolicy: 'date', changeSeq: 0, createdAt: 1 });
      assert.equal(zone!.changeSeq, await store.q.counter());
      const all = await store.q.recordsPage(id, 0, 10, false);
      assert.equal(all.length, 2);
      assert.deepEqual([...all[0]!.wire], [0, 1, 2, 255]);
      assert.equal(all[1]!.disabled, true);
      assert.equal((await store.q.recordsPage(id, 0, 10, true)).length, 1);
      assert.deepEqual((await store.q.rrset(id, 'www.example.org.', 1)).map((r) => r.content), ['192.0.2.7']);
      assert.equal((await store.q.comments(id))[0]!.content, 'web');
      assert.deepEqual(await store.q.metadata(id), [{ kind: 'SOA-EDIT-API', content: 'DEFAULT' }]);
      assert.deepEqual(await store.q.tsigKeys(), [{ name: 'xfr', algorithm: 'hmac-sha256', secret: 'c2VjcmV0', scopes: null }]);
      assert.equal(await store.q.setting('node.name'), 'ns1');
      const j = await store.q.journal(id);
      assert.equal(j.length, 1);
      assert.equal(j[0]!.serialTo, 2);
      assert.equal(j[0]!.changes[0]!.after!.records[0]!.content, '192.0.2.7');
    });

    it('rolls a failed write transaction back', async () => {
      const before = await store.q.counter();
      await assert.rejects(store.write(async (q) => {
        await q.bumpCounter();
        throw new Error('boom');
      }), /boom/);
      assert.equal(await store.q.counter(), before);
    });

    it('backs up, refuses to restore over zones, and restores with force (ids continue after)', async () => {
      const lines: string[] = [];
      const summary = await backupStore(store, (l) => { lines.push(l); });
      assert.equal(summary.rows.records, 2);
      await assert.rejects(restoreStore(store, linesOf(lines)), (e: StoreError) => e.code === 'GDNS_ERR_STORE_NOT_EMPTY');
      const seqBefore = await store.q.counter();
      await store.write(async (q) => {
        const z = await q.zoneByName('example.org.');
        await q.deleteZone(z!.id);
        await q.insertZone({ name: 'gone.test.', kind: 'native', primaries: [], account: '', serialPolicy: 'increment', changeSeq: 0, createdAt: 0 });
      });
      await restoreStore(store, linesOf(lines), { force: true });
      const zones = await store.q.listZones();
      assert.deepEqual(zones.map((z) => z.name), ['example.org.']);
      assert.ok(zones[0]!.changeSeq > seqBefore && zones[0]!.changeSeq === await store.q.counter());
      const recs = await store.q.recordsPage(zones[0]!.id, 0, 10, false);
      assert.deepEqual([...recs[0]!.wire], [0, 1, 2, 255]);
      assert.equal((await store.q.journal(zones[0]!.id)).length, 1);
      assert.equal(await store.q.setting('node.name'), 'ns1');
      const id2 = await store.write((q) => q.insertZone({ name: 'b.test.', kind: 'native', primaries: [], account: '', serialPolicy: 'increment', changeSeq: 0, createdAt: 0 }));
      assert.ok(id2 > zones[0]!.id);
      const restoredInto = new Set((await store.q.listZones()).map((z) => z.id));
      assert.equal(restoredInto.size, 2);
    });

    it('refuses a schema newer than it knows', async () => {
      const db = store.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
      await db.insertInto('geodesic_migration').values({ name: '9999_future', timestamp: new Date().toISOString() }).execute();
      try {
        await assert.rejects(openStore(scratch.where), (e: StoreError) => e.code === 'GDNS_ERR_STORE_SCHEMA_NEWER');
      } finally {
        await sql`delete from geodesic_migration where name = '9999_future'`.execute(store.db);
      }
    });
  });
}

describe('start-up', T, () => {
  for (const dialect of SCRATCH_DIALECTS) {
    it(`three nodes opening one empty ${dialect} database at once all end on the same schema`, async () => {
      const scratch = await createScratchStore(dialect);
      try {
        const stores = await Promise.all([openStore(scratch.where), openStore(scratch.where), openStore(scratch.where)]);
        const newest = Object.keys(stores[0]!.dialect.migrations).sort().at(-1);
        assert.deepEqual(stores.map((x) => x.status().schema), [newest, newest, newest]);
        assert.equal(await stores[0]!.q.counter(), 0);
        await Promise.all(stores.map((x) => x.close()));
      } finally {
        await scratch.drop();
      }
    });
  }
});

describe('read-only stores', T, () => {
  it('a PostgreSQL session with default_transaction_read_only is detected and refuses writes', async () => {
    const scratch = await createScratchStore('postgres');
    try {
      (await openStore(scratch.where)).close();
      const u = new URL(scratch.where.db!);
      u.searchParams.set('options', '-c default_transaction_read_only=on');
      const ro = await openStore({ db: u.toString() });
      try {
        assert.equal(ro.status().readOnly, true);
        await assert.rejects(ro.write((q) => q.bumpCounter()), (e: StoreError) => e.code === 'GDNS_ERR_STORE_READ_ONLY');
      } finally {
        await ro.close();
      }
    } finally {
      await scratch.drop();
    }
  });

  it('a URL of an unknown kind is refused with a code', () => {
    assert.rejects(openStore({ db: 'oracle://x/y' }), (e: StoreError) => e.code === 'GDNS_ERR_STORE_URL');
  });
});
});
