// npm run bench:store — a 1,000,000-record zone imported into the store, start-up from the store to the
// first answer, RSS, single-record writes per second; beside PowerDNS gsqlite3 doing the same.
// Usage: node --import tsx bench/store.ts [--records N] [--db URL] [--no-pdns]
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const RECORDS = Number(arg('--records') ?? 1_000_000);
const DIR = '/tmp/geodesic-bench-store';
const ORIGIN = 'bench.store.';
const FILE = join(DIR, `${ORIGIN}zone`);
const SELF = fileURLToPath(import.meta.url);
const WRITES = 200;
const WRITE_LIMIT_MS = 30_000;
const LATENCY_WRITES = 20;

/** A deterministic zone of `records` records: hosts with A, every third AAAA, every fifth TXT. */
async function generate(path: string, records: number): Promise<void> {
  const out = createWriteStream(path);
  const head = [`$ORIGIN ${ORIGIN}`, '$TTL 3600', '@ SOA ns1 hostmaster 1 7200 3600 1209600 300', '@ NS ns1', 'ns1 A 192.0.2.1'];
  let chunk = `${head.join('\n')}\n`;
  let n = head.length - 2;
  for (let i = 0; n < records; i++) {
    const host = `h${i}`;
    chunk += `${host} A 10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}\n`;
    n++;
    if (i % 3 === 0 && n < records) { chunk += `${host} AAAA 2001:db8::${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}\n`; n++; }
    if (i % 5 === 0 && n < records) { chunk += `${host} TXT "record ${i}"\n`; n++; }
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'close');
}

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

function dig(port: number, name: string, type = 'A'): string {
  const r = spawnSync('dig', ['+short', '+time=1', '+tries=1', '-p', String(port), '@127.0.0.1', name, type], { encoding: 'utf8' });
  return r.stdout.trim();
}

/** Child: import the zone file into the store. */
async function childImport(where: { data?: string; db?: string }): Promise<void> {
  const { storeImportCommand } = await import('../src/cli/store-commands.js');
  const t0 = performance.now();
  await storeImportCommand(FILE, where, { serialPolicy: 'increment' });
  const ms = performance.now() - t0;
  process.stdout.write(`${JSON.stringify({ importMs: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
}

/** Child: serve from the store; on "writes" on stdin, time single-record writes. */
async function childServe(where: { data?: string; db?: string }): Promise<void> {
  const t0 = performance.now();
  const { Engine } = await import('../src/engine/index.js');
  const { listenUdp } = await import('../src/net/index.js');
  const { attachStore } = await import('../src/cli/store-source.js');
  const { compactHeap } = await import('../src/cli/compact-heap.js');
  const modulesMs = performance.now() - t0;
  const engine = new Engine({});
  const catalog = await attachStore(engine, where, null);
  compactHeap([...engine.zones].reduce((n, z) => n + z.recordCount, 0)); // as serve does after loading
  const udp = await listenUdp({ host: '127.0.0.1', port: 0, engine, rrl: null, forceDgram: true });
  const loadMs = performance.now() - t0 - modulesMs;
  process.stdout.write(`${JSON.stringify({ port: udp.endpoint.port, modulesMs: Math.round(modulesMs), loadMs: Math.round(loadMs) })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'writes') break;
    const w0 = performance.now();
    let done = 0;
    for (let i = 0; i < WRITES && performance.now() - w0 < WRITE_LIMIT_MS; i++, done++) {
      await catalog.apply(ORIGIN, { rrsets: [{ name: `w${i}.${ORIGIN}`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '192.0.2.77' }] }] }, 'bench');
    }
    await catalog.settled();
    const writesPerSec = +(done / ((performance.now() - w0) / 1000)).toFixed(2);
    // write-to-served: one write at a time, from the API call to the new snapshot being answered from
    const lat: number[] = [];
    const l0 = performance.now();
    for (let i = 0; i < LATENCY_WRITES && performance.now() - l0 < WRITE_LIMIT_MS; i++) {
      const t = performance.now();
      await catalog.apply(ORIGIN, { rrsets: [{ name: `l${i}.${ORIGIN}`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '192.0.2.78' }] }] }, 'bench');
      await catalog.settled();
      lat.push(performance.now() - t);
    }
    lat.sort((a, b) => a - b);
    const pct = (q: number): number => +(lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] ?? NaN).toFixed(1);
    process.stdout.write(`${JSON.stringify({ writesPerSec, servedP50Ms: pct(0.5), servedMaxMs: pct(1) })}\n`);
  }
  await udp.endpoint.close();
  await catalog.close();
}

async function geodesic(where: { data?: string; db?: string }, label: string): Promise<Record<string, unknown>> {
  const loc = where.db !== undefined ? ['--db', where.db] : ['--data', where.data!];
  const imp = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', 'import', ...loc], { encoding: 'utf8' });
  const importLine = imp.stdout.trim().split('\n').at(-1)!;
  if (imp.status !== 0) throw new Error(`import failed: ${imp.stderr}`);
  const imported = JSON.parse(importLine) as { importMs: number; maxRssMb: number };
  const s0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', 'serve', ...loc], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ready = JSON.parse((await lines.next()).value as string) as { port: number; modulesMs: number; loadMs: number };
  while (dig(ready.port, `h1.${ORIGIN}`) !== '10.0.0.1') await new Promise((r) => setTimeout(r, 20));
  const firstAnswerMs = performance.now() - s0;
  const rss = rssMb(child.pid!);
  child.stdin.write('writes\n');
  const writes = JSON.parse((await lines.next()).value as string) as { writesPerSec: number; servedP50Ms: number; servedMaxMs: number };
  child.stdin.end();
  await once(child, 'exit');
  return {
    server: `Geodesic (${label})`, importS: imported.importMs / 1000, importPeakMb: imported.maxRssMb,
    startToFirstAnswerS: +(firstAnswerMs / 1000).toFixed(2), storeLoadS: ready.loadMs / 1000, rssMb: rss, writesPerSec: writes.writesPerSec,
    servedP50Ms: writes.servedP50Ms, servedMaxMs: writes.servedMaxMs,
  };
}

async function powerdns(): Promise<Record<string, unknown>> {
  const dir = join(DIR, 'pdns');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'pdns.sqlite3');
  execFileSync('sqlite3', [db], { input: readFileSync('/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql') });
  const i0 = performance.now();
  const sql = execFileSync('zone2sql', ['--gsqlite', `--zone=${FILE}`, `--zone-name=${ORIGIN}`], { maxBuffer: 1 << 30 });
  execFileSync('sqlite3', [db], { input: Buffer.concat([Buffer.from('begin;\n'), sql, Buffer.from('\ncommit;\n')]), maxBuffer: 1 << 30 });
  const importS = (performance.now() - i0) / 1000;
  const port = 15400 + (process.pid % 500);
  const web = port + 1000;
  writeFileSync(join(dir, 'pdns.conf'), [
    'launch=gsqlite3', `gsqlite3-database=${db}`, 'local-address=127.0.0.1', `local-port=${port}`, `socket-dir=${dir}`,
    'api=yes', 'api-key=bench', 'webserver=yes', 'webserver-address=127.0.0.1', `webserver-port=${web}`,
    'webserver-allow-from=127.0.0.0/8', 'cache-ttl=0', 'query-cache-ttl=0', 'negquery-cache-ttl=0',
  ].join('\n'));
  const s0 = performance.now();
  const child = spawn('pdns_server', [`--config-dir=${dir}`, '--daemon=no', '--guardian=no', '--disable-syslog'], { stdio: 'ignore' });
  while (dig(port, `h1.${ORIGIN}`) !== '10.0.0.1') {
    if (child.exitCode !== null) throw new Error('pdns_server exited');
    await new Promise((r) => setTimeout(r, 20));
  }
  const firstAnswerMs = performance.now() - s0;
  const rss = rssMb(child.pid!);
  const w0 = performance.now();
  let done = 0;
  for (let i = 0; i < WRITES && performance.now() - w0 < WRITE_LIMIT_MS; i++, done++) {
    const r = await fetch(`http://127.0.0.1:${web}/api/v1/servers/localhost/zones/${ORIGIN}`, {
      method: 'PATCH', headers: { 'X-API-Key': 'bench', 'content-type': 'application/json' },
      body: JSON.stringify({ rrsets: [{ name: `w${i}.${ORIGIN}`, type: 'A', ttl: 60, changetype: 'REPLACE', records: [{ content: '192.0.2.77', disabled: false }] }] }),
    });
    if (r.status !== 204) throw new Error(`PowerDNS PATCH: ${r.status} ${await r.text()}`);
  }
  const writesPerSec = +(done / ((performance.now() - w0) / 1000)).toFixed(2);
  child.kill('SIGTERM');
  await once(child, 'exit');
  return { server: 'PowerDNS gsqlite3', importS: +importS.toFixed(1), importPeakMb: NaN, startToFirstAnswerS: +(firstAnswerMs / 1000).toFixed(2), storeLoadS: NaN, rssMb: rss, writesPerSec };
}

async function main(): Promise<void> {
  const mode = arg('--child');
  const where = arg('--db') !== undefined ? { db: arg('--db') } : { data: arg('--data') ?? join(DIR, 'data') };
  if (mode === 'import') return childImport(where);
  if (mode === 'serve') return childServe(where);
  mkdirSync(DIR, { recursive: true });
  console.log(`bench:store — ${RECORDS.toLocaleString('en')} records, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`);
  await generate(FILE, RECORDS);
  const rows: Record<string, unknown>[] = [];
  const { createScratchStore } = await import('../src/store/index.js');
  for (const dialect of (arg('--dialects') ?? 'sqlite').split(',').filter((d) => d !== 'none') as ('sqlite' | 'postgres' | 'mysql')[]) {
    const scratch = await createScratchStore(dialect);
    try {
      rows.push(await geodesic(scratch.where, dialect));
      console.log(JSON.stringify(rows.at(-1)));
    } finally {
      await scratch.drop();
    }
  }
  if (!argv.includes('--no-pdns')) rows.push(await powerdns());
  console.table(rows);
  console.log('importS: zone file to store; startToFirstAnswerS: process start (node + tsx) to the first answer; storeLoadS: store open + zones loaded;');
  console.log(`rssMb: after the first answer; writesPerSec: up to ${WRITES} sequential single-record writes into the big zone within ${WRITE_LIMIT_MS / 1000} s (each one transaction; all served at the end);`);
  console.log(`servedP50Ms/servedMaxMs: ${LATENCY_WRITES} single-record writes one at a time, API call to the new version served`);
}

await main();
