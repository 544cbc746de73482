import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RRType, nameFromText, rdataToText } from '../wire/index.js';
import { startKit, Z } from './test-kit.js';
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
