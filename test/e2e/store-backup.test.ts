// geodesic backup / restore (src/cli/store-backup.ts): a consistent snapshot taken while writes go on,
// restored into another dialect, served with the same content.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createScratchStore, openStore } from '../../src/store/index.js';
import { Catalog } from '../../src/catalog/index.js';
import { backupCommand, restoreCommand } from '../../src/cli/store-backup.js';
import { storeImportCommand } from '../../src/cli/store-commands.js';

const ZONE = `$ORIGIN b.test.
$TTL 300
@ SOA ns1 hostmaster 100 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.53
www A 192.0.2.1
`;

describe('backup and restore', { timeout: 60_000 }, () => {
  it('backs up SQLite while writes go on and restores into PostgreSQL with the same zones, journal and keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gdns-backup-'));
    const src = await createScratchStore('sqlite');
    const dst = await createScratchStore('postgres');
    try {
      writeFileSync(join(dir, 'b.test.zone'), ZONE);
      assert.equal(await storeImportCommand(join(dir, 'b.test.zone'), src.where, { serialPolicy: 'increment' }), 0);
      const cat = await Catalog.open(await openStore(src.where), { pollMs: 0 });
      await cat.store.write((q) => q.putTsigKey({ name: 'xfr.', algorithm: 'hmac-sha256', secret: 'c2VjcmV0' }));
      const file = join(dir, 'store.jsonl.gz');
      let writing = true;
      const writes = (async () => {
        for (let i = 0; writing; i++) {
          await new Promise((r) => setImmediate(r)); // SQLite is synchronous: let the backup run too
          await cat.apply('b.test.', { rrsets: [{ name: `w${i}.b.test.`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '192.0.2.9' }] }] }, 'writer');
        }
      })();
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(await backupCommand(file, src.where), 0);
      writing = false;
      await writes;
      await cat.close();

      // the snapshot is consistent: the SOA in its records is the serial its last journal entry reached
      const lines = gunzipSync(readFileSync(file)).toString().trim().split('\n').map((l) => JSON.parse(l) as { t?: string; r?: Record<string, unknown> });
      const soa = lines.find((l) => l.t === 'records' && l.r!.type === 6)!.r!.content as string;
      const lastJournal = lines.filter((l) => l.t === 'journal').at(-1)!.r!;
      assert.equal(Number(soa.split(' ')[2]), lastJournal.serial_to);
      const backedUpWrites = lines.filter((l) => l.t === 'records' && /^w\d/.test(String(l.r!.name))).length;
      assert.equal(lastJournal.serial_to, 100 + backedUpWrites);

      assert.equal(await restoreCommand(file, dst.where), 0);
      const restored = await Catalog.open(await openStore(dst.where), { pollMs: 0 });
      try {
        assert.equal(restored.zone('b.test.')!.serial, 100 + backedUpWrites);
        assert.deepEqual(await restored.store.q.tsigKeys(), [{ name: 'xfr.', algorithm: 'hmac-sha256', secret: 'c2VjcmV0', scopes: null }]);
        assert.equal((await restored.history('b.test.', 10_000)).length, backedUpWrites + 1);
        const r = await restored.apply('b.test.', { rrsets: [{ name: 'www.b.test.', type: 'A', changetype: 'DELETE' }] }, 'after-restore');
        assert.equal(r.serialAfter, 101 + backedUpWrites);
      } finally {
        await restored.close();
      }
      await assert.rejects(restoreCommand(file, dst.where), { code: 'GDNS_ERR_STORE_NOT_EMPTY' });
      assert.equal(await restoreCommand(file, { ...dst.where, force: true }), 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await src.drop();
      await dst.drop();
    }
  });
});
