import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RRType, nameFromText, rdataToText } from '../wire/index.js';
import type { FastifyInstance } from 'fastify';
import { createScratchStore, openStore } from '../store/index.js';
import type { ScratchStore } from '../store/index.js';
import { Catalog } from '../catalog/index.js';
import { ZoneSet } from '../zone/index.js';
import { createApi } from './server.js';
import { ApiKeyRing } from './keys.js';
import { startKit, Z, KEY } from './test-kit.js';
import type { Kit } from './test-kit.js';

const T = { timeout: 90_000 };

// The write path on PostgreSQL and MariaDB (SQLite: zones.test.ts): create, concurrent PATCHes, delete.
for (const dialect of ['postgres', 'mysql'] as const) {
  describe(`api on ${dialect}`, { ...T, concurrency: false }, () => {
    let k: Kit;
    before(async () => { k = await startKit(dialect); });
    after(async () => { await k?.close(); });

    it('creates a zone, takes 10 concurrent PATCHes (all 204, all served), deletes it', async () => {
      assert.equal((await k.req('POST', Z, { name: 'db.test.', kind: 'Native', nameservers: ['ns1.db.test.'] })).status, 201);
      const rs = await Promise.all(Array.from({ length: 10 }, (_, i) => k.req('PATCH', `${Z}/db.test.`, {
        rrsets: [{ name: `h${i}.db.test.`, type: 'A', ttl: 60, changetype: 'REPLACE', records: [{ content: `192.0.2.${i + 1}` }], comments: [{ content: `c${i}`, account: 'x' }] }],
      })));
      assert.deepEqual(rs.map((r) => r.status), rs.map(() => 204));
      const z = k.catalog.zone('db.test.')!;
      for (let i = 0; i < 10; i++) {
        const node = z.node(z.lookup(nameFromText(`h${i}.db.test.`)).node!.key)!;
        assert.deepEqual(node.get(RRType.A)!.rdata.map((r) => rdataToText(RRType.A, r)), [`192.0.2.${i + 1}`]);
      }
      const g = await k.req('GET', `${Z}/db.test.?rrset_name=h3.db.test.`);
      assert.equal(g.json.rrsets[0].comments[0].content, 'c3');
      const bad = await k.req('PATCH', `${Z}/db.test.`, { rrsets: [{ name: 'h1.db.test.', type: 'CNAME', ttl: 60, changetype: 'REPLACE', records: [{ content: 'x.db.test.' }] }] });
      assert.equal(bad.status, 422);
      assert.equal((await k.req('GET', '/api/v1/servers/localhost/search-data?q=h?.db.test.&object_type=record')).json.length, 10);
      assert.equal((await k.req('DELETE', `${Z}/db.test.`)).status, 204);
      assert.equal(k.catalog.zone('db.test.'), undefined);
    });
  });
}

// Two nodes on one database, both taking PATCHes for the same zone at once: every write is answered by
// the node that took it when its 204 comes back, and by the other node within 2 s (no write is lost
// when writes of the two nodes interleave).
for (const dialect of ['postgres', 'mysql'] as const) {
  describe(`two API nodes on one ${dialect} database`, { ...T, concurrency: false }, () => {
    const nodes: { catalog: Catalog; app: FastifyInstance }[] = [];
    let scratch: ScratchStore;
    before(async () => {
      scratch = await createScratchStore(dialect);
      for (let i = 0; i < 2; i++) {
        const store = await openStore(scratch.where);
        const catalog = await Catalog.open(store, { pollMs: 200 });
        nodes.push({ catalog, app: await createApi({ catalog, fileZones: () => new ZoneSet([]), keys: new ApiKeyRing([KEY], store) }) });
      }
    });
    after(async () => {
      for (const n of nodes) { await n.app.close(); await n.catalog.close(); }
      await scratch?.drop();
    });
    const call = (n: number, method: string, url: string, body?: unknown) => nodes[n]!.app.inject({
      method: method as 'GET', url, remoteAddress: '127.0.0.1', headers: { 'x-api-key': KEY }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    const a = (c: Catalog, owner: string): string[] => {
      const z = c.zone('two.test.');
      const node = z?.node(z.lookup(nameFromText(owner)).node?.key ?? '');
      return (node?.get(RRType.A)?.rdata ?? []).map((r) => rdataToText(RRType.A, r));
    };

    it('interleaved concurrent PATCHes through both nodes: all 204, all served by both', async () => {
      assert.equal((await call(0, 'POST', Z, { name: 'two.test.', kind: 'Native', nameservers: ['ns.two.test.'] })).statusCode, 201);
      for (let i = 0; i < 50 && nodes[1]!.catalog.zone('two.test.') === undefined; i++) await new Promise((r) => setTimeout(r, 100));
      const rs = await Promise.all(Array.from({ length: 30 }, async (_, i) => {
        const r = await call(i % 2, 'PATCH', `${Z}/two.test.`, { rrsets: [{ name: `h${i}.two.test.`, type: 'A', ttl: 60, changetype: 'REPLACE', records: [{ content: `192.0.2.${i + 1}` }] }] });
        // the node that took the write serves it when it answers
        assert.deepEqual(a(nodes[i % 2]!.catalog, `h${i}.two.test.`), [`192.0.2.${i + 1}`]);
        return r.statusCode;
      }));
      assert.deepEqual(rs, rs.map(() => 204));
      await new Promise((r) => setTimeout(r, 2000));
      for (const n of nodes) for (let i = 0; i < 30; i++) assert.deepEqual(a(n.catalog, `h${i}.two.test.`), [`192.0.2.${i + 1}`], `h${i}`);
    });
  });
}
