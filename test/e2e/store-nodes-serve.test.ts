// The seed's topology with real `geodesic serve --db` processes: two nameservers reading one PostgreSQL
// and one MariaDB database; a write committed by a third party (here the test, through the catalog, as the
// API would) is answered by both within 2 s.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createScratchStore, openStore } from '../../src/store/index.js';
import type { ScratchDialect } from '../../src/store/index.js';
import { Catalog } from '../../src/catalog/index.js';
import { startServe, dig } from './lib/serve-process.js';
import { waitForZone } from './lib/dns-probe.js';

const ZONE = {
  name: 'nodes.test.', records: [
    { name: 'nodes.test.', type: 'SOA', ttl: 300, content: 'ns1.nodes.test. hostmaster.nodes.test. 1 3600 600 86400 60' },
    { name: 'nodes.test.', type: 'NS', ttl: 300, content: 'ns1.nodes.test.' },
    { name: 'ns1.nodes.test.', type: 'A', ttl: 300, content: '192.0.2.1' },
  ],
};

for (const dialect of ['postgres', 'mysql'] as ScratchDialect[]) {
  describe(`two serve --db nodes on one ${dialect} database`, { timeout: 120_000 }, () => {
    it('a committed write is answered by both nodes within 2 s', async () => {
      const scratch = await createScratchStore(dialect);
      const writer = await Catalog.open(await openStore(scratch.where), { pollMs: 0 });
      const nodes = [];
      try {
        await writer.createZone(ZONE, 'test');
        for (let i = 0; i < 2; i++) nodes.push(await startServe(['--db', scratch.where.db!, '--listen', '127.0.0.1:0']));
        for (const n of nodes) await waitForZone('127.0.0.1', n.port, 'nodes.test.', 20_000);
        for (let round = 1; round <= 3; round++) {
          const address = `198.51.100.${round}`;
          const t0 = Date.now();
          await writer.apply('nodes.test.', { rrsets: [{ name: 'www.nodes.test.', type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: address }] }] }, 'test');
          for (const n of nodes) {
            while ((await dig(n.port, '+short', 'www.nodes.test.', 'A')).trim() !== address && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 25));
            const took = Date.now() - t0;
            assert.equal((await dig(n.port, '+short', 'www.nodes.test.', 'A')).trim(), address);
            assert.ok(took < 2000, `node on port ${n.port} answered the write after ${took} ms`);
          }
        }
      } finally {
        for (const n of nodes) await n.stop();
        await writer.close();
        await scratch.drop();
      }
    });
  });
}
