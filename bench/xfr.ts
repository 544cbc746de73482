// npm run bench:xfr — replication figures:
//  1. propagation between two Geodesic nodes (primary in this process on 127.0.0.1, secondary a
//     `geodesic serve` process on 127.0.0.2): change committed → served by the secondary, 100 changes,
//     NOTIFY + IXFR; p50/p99/max.
//  2. AXFR of a 1,000,000-record zone from Geodesic and from Knot serving the same file: wall time and
//     records/s for one client reading as fast as it can (records counted from message headers).
// Usage: node --import tsx bench/xfr.ts [--records N] [--changes N] [--runs N] [--no-knot]
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { encodeMessage, nameFromText } from '../src/wire/index.js';
import { startServe } from '../test/e2e/lib/serve-process.js';
import { freePort } from '../test/e2e/lib/free-port.js';
import { waitForZone } from '../test/e2e/lib/dns-probe.js';
import { serialAt, serveInProcess, until, zoneRecords } from '../test/e2e/lib/xfr-kit.js';

const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const RECORDS = Number(arg('--records') ?? 1_000_000);
const CHANGES = Number(arg('--changes') ?? 100);
const RUNS = Number(arg('--runs') ?? 3);
const DIR = '/tmp/geodesic-bench-xfr';
const ORIGIN = 'bench.xfr.';

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

async function propagation(): Promise<void> {
  const zone = 'prop.xfr.';
  const primary = await serveInProcess(join(DIR, 'primary'));
  const secondary = await startServe(['--data', join(DIR, 'secondary'), '--listen', '127.0.0.2:0', '--no-rrl', '--pid-file', join(DIR, 's.pid'),
    '--secondary', `${zone}=127.0.0.1:${primary.udp[0]!.port}`]);
  try {
    const p = primary.catalog!;
    await p.createZone({ name: zone, kind: 'primary', records: zoneRecords(zone, 1, 1000, 3600) }, 'bench');
    await until('first transfer', async () => (await serialAt('127.0.0.2', secondary.port, zone)) === 1, 30_000);
    const row = await p.store.q.zoneByName(zone);
    await p.store.write((q) => q.setMetadata(row!.id, 'ALSO-NOTIFY', [`127.0.0.2:${secondary.port}`]));
    const lags: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const t0 = performance.now();
      const r = await p.apply(zone, { rrsets: [{ name: `c${i}.${zone}`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: `192.0.2.${i & 255}` }] }] }, 'bench');
      await until(`change ${i}`, async () => (await serialAt('127.0.0.2', secondary.port, zone)) === r.serialAfter, 10_000, 2);
      lags.push(performance.now() - t0);
    }
    lags.sort((a, b) => a - b);
    console.log(`propagation over ${CHANGES} changes (commit on the primary -> served by the secondary, NOTIFY + IXFR): ` +
      `p50 ${pct(lags, 0.5).toFixed(1)} ms, p99 ${pct(lags, 0.99).toFixed(1)} ms, max ${lags.at(-1)!.toFixed(1)} ms`);
  } finally {
    await secondary.stop();
    await primary.close();
  }
}

async function generate(path: string, records: number): Promise<void> {
  const out = createWriteStream(path);
  let chunk = `$ORIGIN ${ORIGIN}\n$TTL 3600\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n`;
  for (let i = 0; i < records - 3; i++) {
    chunk += `h${i} A 10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'close');
}

/** One AXFR over TCP; resolves with the time until `expected` records arrived. */
function axfr(port: number, expected: number): Promise<{ ms: number; messages: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const q = encodeMessage({ id: 7, flags: 0, opcode: 0, rcode: 0, questions: [{ name: nameFromText(ORIGIN), type: 252, class: 1 }], answers: [], authority: [], additional: [], edns: null, tsig: null });
    const sock = connect({ host: '127.0.0.1', port, noDelay: true });
    const t0 = performance.now();
    let pending: Buffer = Buffer.alloc(0);
    let records = 0;
    let messages = 0;
    let bytes = 0;
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`AXFR from ${port}: ${records} of ${expected} records in 120 s`)); }, 120_000);
    sock.on('error', reject);
    sock.on('connect', () => { const b = Buffer.alloc(q.length + 2); b.writeUInt16BE(q.length); b.set(q, 2); sock.write(b); });
    sock.on('data', (d: Buffer) => {
      bytes += d.length;
      pending = pending.length === 0 ? d : Buffer.concat([pending, d]);
      let off = 0;
      while (pending.length - off >= 2) {
        const len = pending.readUInt16BE(off);
        if (pending.length - off - 2 < len) break;
        if ((pending[off + 5]! & 0x0f) !== 0) { sock.destroy(); reject(new Error(`AXFR from ${port}: rcode ${pending[off + 5]! & 0x0f}`)); return; }
        records += pending.readUInt16BE(off + 2 + 6);
        messages++;
        off += 2 + len;
      }
      pending = pending.subarray(off);
      if (records >= expected) {
        clearTimeout(timer);
        const ms = performance.now() - t0;
        sock.destroy();
        resolve({ ms, messages, bytes });
      }
    });
  });
}

async function bigAxfr(): Promise<void> {
  const zones = join(DIR, 'zones');
  mkdirSync(zones, { recursive: true });
  const file = join(zones, `${ORIGIN}zone`);
  await generate(file, RECORDS);
  const expected = RECORDS + 1;
  const results: string[] = [];
  const children: ChildProcess[] = [];
  try {
    const geo = await startServe(['--zones', zones, '--listen', '127.0.0.1:0', '--axfr-allow', '127.0.0.0/8', '--no-rrl', '--pid-file', join(DIR, 'g.pid')]);
    try {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await axfr(geo.port, expected));
      const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
      results.push(`geodesic: AXFR of ${RECORDS} records in ${best.ms.toFixed(0)} ms (best of ${RUNS}: ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms), ` +
        `${Math.round(expected / (best.ms / 1000)).toLocaleString('en')} records/s, ${best.messages} messages, ${(best.bytes / 2 ** 20).toFixed(1)} MiB`);
      // Receiving: a Geodesic secondary (this process, SQLite store) and Knot, each from the Geodesic primary.
      const t0 = performance.now();
      const sec = await serveInProcess(join(DIR, 'big-secondary'), { flags: { secondary: [`${ORIGIN}=127.0.0.1:${geo.port}`] } });
      await until('the big zone on the Geodesic secondary', async () => (await serialAt('127.0.0.1', sec.udp[0]!.port, ORIGIN)) === 1, 900_000, 200);
      results.push(`geodesic secondary: ${RECORDS} records transferred, stored (SQLite) and served in ${(performance.now() - t0).toFixed(0)} ms, ` +
        `RSS of this process ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
      await sec.close();
      if (!argv.includes('--no-knot')) {
        const kport = await freePort();
        const kdir = join(DIR, 'knot-secondary');
        mkdirSync(join(kdir, 'db'), { recursive: true });
        writeFileSync(join(kdir, 'knot.conf'), `server:\n  rundir: "${kdir}"\n  listen: 127.0.0.1@${kport}\nlog:\n  - target: stderr\n    any: warning\n` +
          `database:\n  storage: "${kdir}/db"\nremote:\n  - id: geo\n    address: 127.0.0.1@${geo.port}\n` +
          `zone:\n  - domain: ${ORIGIN}\n    storage: "${kdir}"\n    master: geo\n    zonefile-sync: -1\n    journal-content: none\n    semantic-checks: off\n`);
        const t1 = performance.now();
        const knot = spawn('knotd', ['-c', join(kdir, 'knot.conf')], { stdio: 'ignore' });
        children.push(knot);
        await until('the big zone on the Knot secondary', async () => (await serialAt('127.0.0.1', kport, ORIGIN)) === 1, 900_000, 100);
        results.push(`knot secondary: ${RECORDS} records transferred and served in ${(performance.now() - t1).toFixed(0)} ms (from Geodesic)`);
        knot.kill('SIGTERM');
      }
    } finally {
      await geo.stop();
    }
    if (!argv.includes('--no-knot')) {
      const kport = await freePort();
      const kdir = join(DIR, 'knot');
      mkdirSync(join(kdir, 'db'), { recursive: true });
      writeFileSync(join(kdir, 'knot.conf'), `server:\n  rundir: "${kdir}"\n  listen: 127.0.0.1@${kport}\nlog:\n  - target: stderr\n    any: warning\n` +
        `database:\n  storage: "${kdir}/db"\nacl:\n  - id: xfr\n    address: 127.0.0.1\n    action: transfer\n` +
        `zone:\n  - domain: ${ORIGIN}\n    storage: "${zones}"\n    file: "%s.zone"\n    acl: xfr\n    zonefile-sync: -1\n    journal-content: none\n    semantic-checks: off\n`);
      const knot = spawn('knotd', ['-c', join(kdir, 'knot.conf')], { stdio: 'ignore' });
      children.push(knot);
      await waitForZone('127.0.0.1', kport, ORIGIN, 120_000);
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await axfr(kport, expected));
      const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
      results.push(`knot 3.2: AXFR of ${RECORDS} records in ${best.ms.toFixed(0)} ms (best of ${RUNS}: ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms), ` +
        `${Math.round(expected / (best.ms / 1000)).toLocaleString('en')} records/s, ${best.messages} messages, ${(best.bytes / 2 ** 20).toFixed(1)} MiB`);
    }
  } finally {
    for (const c of children) c.kill('SIGTERM');
  }
  for (const r of results) console.log(r);
}

rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });
console.log(`bench:xfr on ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await propagation();
await bigAxfr();
rmSync(DIR, { recursive: true, force: true });
process.exit(0);
