// Several Geodesic nodes on one database (a write through one is answered by the other within 2 s),
// and kill -9 in the middle of a burst of writes (every acknowledged write is there after restart).
// The nodes are src/cli/store-node.ts processes (catalog + engine + UDP), driven over standard input.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { createScratchStore, openStore } from '../../src/store/index.js';
import type { ScratchDialect, ScratchStore, StoreLocation } from '../../src/store/index.js';
import { Catalog } from '../../src/catalog/index.js';
import type { ZoneSpec } from '../../src/catalog/index.js';

const run = promisify(execFile);
const T = { timeout: 60_000 };

interface Reply { id: number; ok: boolean; result?: { serialAfter: number }; error?: string }

class StoreNode {
  port = 0;
  private next = 1;
  private readonly waiting = new Map<number, (r: Reply | Error) => void>();
  private constructor(readonly child: ChildProcessWithoutNullStreams) {}

  static start(where: StoreLocation): Promise<StoreNode> {
    const args = ['--import', 'tsx', 'src/cli/store-node.ts', '--poll', '300'];
    if (where.data !== undefined) args.push('--data', where.data);
    if (where.db !== undefined) args.push('--db', where.db);
    const node = new StoreNode(spawn(process.execPath, args, { cwd: new URL('../..', import.meta.url).pathname }));
    let stderr = '';
    node.child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    node.child.stdin.on('error', () => undefined); // EPIPE after kill -9
    node.child.on('exit', () => {
      for (const settle of node.waiting.values()) settle(new Error('store node exited'));
      node.waiting.clear();
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`store node not ready in 20 s: ${stderr}`)), 20_000);
      node.child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`store node exited (${code}): ${stderr}`)); });
      createInterface({ input: node.child.stdout }).on('line', (line) => {
        const m = JSON.parse(line) as Reply & { ready?: boolean; port?: number };
        if (m.ready === true) { node.port = m.port!; clearTimeout(timer); resolve(node); return; }
        node.waiting.get(m.id)?.(m);
        node.waiting.delete(m.id);
      });
    });
  }

  send(cmd: Record<string, unknown>): Promise<Reply> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${JSON.stringify(cmd).slice(0, 80)}`)), 20_000);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        if (r instanceof Error) reject(r);
        else resolve(r);
      });
      this.child.stdin.write(`${JSON.stringify({ ...cmd, id })}\n`);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }
}

async function lookup(port: number, name: string, type: string): Promise<string[]> {
  const { stdout } = await run('dig', ['+short', '+time=1', '+tries=1', '-p', String(port), '@127.0.0.1', name, type], { timeout: 5000 })
    .catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter((l) => l.length > 0 && !l.startsWith(';'));
}

/** Milliseconds until `port` answers `want` for name/type (throws after `limitMs`). */
async function untilAnswered(port: number, name: string, type: string, want: string, limitMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < limitMs) {
    if ((await lookup(port, name, type)).includes(want)) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} ${type} ${want} not answered on port ${port} within ${limitMs} ms`);
}

const zone = (name: string): ZoneSpec => ({
  name, records: [
    { name, type: 'SOA', content: `ns1.${name} hostmaster.${name} 100 7200 3600 1209600 300` },
    { name, type: 'NS', content: `ns1.${name}` },
    { name: `ns1.${name}`, type: 'A', content: '192.0.2.53' },
    { name: `www.${name}`, type: 'A', ttl: 60, content: '192.0.2.1' },
  ],
});
const setA = (name: string, address: string): Record<string, unknown> => ({
  op: 'apply', zone: name.replace(/^www\./, ''), changes: { rrsets: [{ name, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: address }] }] },
});

describe('store nodes', { ...T, concurrency: true }, () => {
  for (const dialect of ['postgres', 'mysql'] as ScratchDialect[]) {
    describe(`two nodes on one ${dialect} database`, T, () => {
      let scratch: ScratchStore;
      let a: StoreNode;
      let b: StoreNode;
      before(async () => {
        scratch = await createScratchStore(dialect);
        (await openStore(scratch.where)).close(); // migrate once, so the nodes start on the same schema
        [a, b] = await Promise.all([StoreNode.start(scratch.where), StoreNode.start(scratch.where)]);
      });
      after(async () => {
        await Promise.all([a?.stop(), b?.stop()]);
        await scratch?.drop();
      });

      it('a write through one node is answered by the other within 2 s, both ways', async () => {
        const created = await a.send({ op: 'create', spec: zone('multi.test.') });
        assert.equal(created.ok, true, created.error);
        await untilAnswered(b.port, 'www.multi.test.', 'A', '192.0.2.1', 2000);
        const ack = await a.send(setA('www.multi.test.', '192.0.2.99'));
        assert.equal(ack.ok, true, ack.error);
        assert.deepEqual(await lookup(a.port, 'www.multi.test.', 'A'), ['192.0.2.99']);
        const ms = await untilAnswered(b.port, 'www.multi.test.', 'A', '192.0.2.99', 2000);
        assert.ok(ms < 2000);
        const back = await b.send(setA('www.multi.test.', '192.0.2.100'));
        assert.equal(back.ok, true, back.error);
        await untilAnswered(a.port, 'www.multi.test.', 'A', '192.0.2.100', 2000);
        assert.equal((await lookup(b.port, 'multi.test.', 'SOA'))[0]?.split(' ')[2], '102');
      });
    });
  }

  for (const dialect of ['sqlite'] as ScratchDialect[]) {
    it(`kill -9 during a burst of writes on ${dialect}: every acknowledged write is there after restart`, T, async () => {
      const scratch = await createScratchStore(dialect);
      let node = await StoreNode.start(scratch.where);
      try {
        assert.equal((await node.send({ op: 'create', spec: zone('burst.test.') })).ok, true);
        const acked: number[] = [];
        let killed = false;
        const writes = Array.from({ length: 400 }, (_, i) => node.send({
          op: 'apply', zone: 'burst.test.', changes: { rrsets: [{ name: `w${i}.burst.test.`, type: 'TXT', changetype: 'REPLACE', ttl: 60, records: [{ content: `"write ${i}"` }] }] },
        }).then((r) => { if (r.ok && !killed) acked.push(i); }, () => undefined));
        while (acked.length < 40) await new Promise((r) => setTimeout(r, 5));
        killed = true;
        await node.stop();
        void Promise.allSettled(writes);
        assert.ok(acked.length >= 40 && acked.length < 400, `acked ${acked.length}`);

        const cat = await Catalog.open(await openStore(scratch.where), { pollMs: 0 });
        try {
          const stored = await cat.stored('burst.test.');
          const names = new Set(stored.records.map((r) => r.name));
          const lost = acked.filter((i) => !names.has(`w${i}.burst.test.`));
          assert.deepEqual(lost, [], `acknowledged writes lost: ${lost.join(', ')}`);
          const journal = await cat.history('burst.test.', 1000);
          assert.equal(cat.zone('burst.test.')!.serial, 100 + journal.length - 1);
        } finally {
          await cat.close();
        }
        node = await StoreNode.start(scratch.where);
        const last = acked.at(-1)!;
        assert.deepEqual(await lookup(node.port, `w${last}.burst.test.`, 'TXT'), [`"write ${last}"`]);
      } finally {
        await node.stop();
        await scratch.drop();
      }
    });
  }
});
