// npm run bench:zone — loads a generated 1,000,000-record zone with loadZoneFile, named-checkzone and
// knotd, and prints time and memory side by side. Usage: node --import tsx bench/zone-load.ts [--records N]
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Zone, ZoneBuilder as ZoneBuilderT, patchZone as patchZoneT } from '../src/zone/index.js';

const argv = process.argv.slice(2);
const RECORDS = Number(argv[argv.indexOf('--records') + 1] || 1_000_000) || 1_000_000;
const DIR = '/tmp/geodesic-bench';
const ORIGIN = 'bench.example.';
const FILE = join(DIR, `${ORIGIN}zone`);
const SELF = fileURLToPath(import.meta.url);

/** Deterministic zone: ~1.5 records per name, A/AAAA/MX/TXT/CNAME/SRV, a few delegations with glue. */
async function generate(path: string, records: number): Promise<void> {
  const out = createWriteStream(path);
  let buf = `$ORIGIN ${ORIGIN}\n$TTL 3600\n@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n@ NS ns1\n@ NS ns2\n` +
    'ns1 A 192.0.2.1\nns2 A 192.0.2.2\n';
  let n = 5;
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  for (let i = 0; n < records; i++) {
    const h = `host-${i.toString(36)}`;
    const r = rnd();
    buf += `${h} A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}\n`; n++;
    if (r % 3 === 0 && n < records) { buf += `${h} AAAA 2001:db8::${(i & 0xffff).toString(16)}:${(r & 0xffff).toString(16)}\n`; n++; }
    if (r % 7 === 0 && n < records) { buf += `${h} 300 TXT "v=spf1 ip4:10.0.0.${r & 255} -all" "id=${r}"\n`; n++; }
    if (r % 11 === 0 && n < records) { buf += `${h} MX ${r % 50} mail-${(r % 1000).toString(36)}.example.net.\n`; n++; }
    if (r % 13 === 0 && n < records) { buf += `www.${h} CNAME ${h}\n`; n++; }
    if (r % 17 === 0 && n < records) { buf += `_sip._tcp.${h} SRV 10 60 5060 ${h}\n`; n++; }
    if (r % 997 === 0 && n + 2 <= records) { buf += `d${i} NS ns.d${i}\nns.d${i} A 192.0.2.${r & 255}\n`; n += 2; }
    if (buf.length > 1 << 20) { if (!out.write(buf)) await new Promise<void>((res) => { out.once('drain', () => res()); }); buf = ''; }
  }
  out.write(buf);
  await new Promise<void>((res) => out.end(() => res()));
}

/** Two full collections with turns of the event loop between (ArrayBuffer memory is freed after GC). */
async function settle(gc: () => void): Promise<void> {
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

/** Child mode: load once, report JSON. */
async function child(file: string): Promise<void> {
  const { loadZoneFile, patchZone, ZoneBuilder } = await import('../src/zone/index.js');
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  gc();
  const base = process.memoryUsage();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const zone = loadZoneFile(file);
  const ms = performance.now() - t0;
  const c1 = process.cpuUsage(c0);
  const cpuMs = (c1.user + c1.system) / 1000;
  await settle(gc);
  const after = process.memoryUsage();
  let touched = 0;
  for (const s of zone.records()) touched += s.rdata.length + s.name.length; // a full walk, as AXFR does
  await settle(gc);
  const warm = process.memoryUsage();
  const maxRssMB = process.resourceUsage().maxRSS / 1024; // before the write timings (their rebuild is big)
  const patch = patchTimes(zone, ZoneBuilder, patchZone);
  process.stdout.write(JSON.stringify({ ...patch, maxRssMB, ms, cpuMs, records: zone.recordCount, names: zone.nodeCount, touched,
    heapMB: (after.heapUsed - base.heapUsed + after.arrayBuffers - base.arrayBuffers) / 2 ** 20,
    rssMB: after.rss / 2 ** 20, warmHeapMB: (warm.heapUsed - base.heapUsed + warm.arrayBuffers - base.arrayBuffers) / 2 ** 20,
    warmRssMB: warm.rss / 2 ** 20 }));
}

/**
 * One-record writes to the loaded zone: patchZone (incremental) per write, the canonical order of the
 * last version derived, and the whole-zone rebuild that patchZone replaced (every record through a new
 * ZoneBuilder), for comparison in the same process.
 */
function patchTimes(zone: Zone, Builder: typeof ZoneBuilderT, patch: typeof patchZoneT): Record<string, number> {
  const times: number[] = [];
  let z = zone;
  for (let i = 0; i < 50; i++) {
    const owner = new Uint8Array([3, 0x70, 0x30 + (i % 10), 0x30 + Math.floor(i / 10), ...zone.origin]);
    const t = performance.now();
    z = patch(z, [{ owner, type: 1, ttl: 60, rdata: [new Uint8Array([192, 0, 2, i])] }]);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const o0 = performance.now();
  z.canonicalNodes();
  const orderMs = performance.now() - o0;
  const r0 = performance.now();
  const b = new Builder(zone.origin, zone.file);
  for (const s of zone.records()) for (const rd of s.rdata) b.add(s.name, s.type, s.ttl, rd);
  b.finish();
  return { patchP50Ms: times[25]!, patchMaxMs: times[49]!, patchOrderMs: orderMs, rebuildMs: performance.now() - r0 };
}

function timed(cmd: string, args: string[]): { ms: number; cpuMs: number; maxRssMB: number; ok: boolean; out: string } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS=%M CPU=%U+%S', cmd, ...args], { encoding: 'utf8', timeout: 600_000 });
  const ms = performance.now() - t0;
  const m = /MAXRSS=(\d+) CPU=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? '');
  return { ms, cpuMs: m ? (Number(m[2]) + Number(m[3])) * 1000 : NaN, maxRssMB: m ? Number(m[1]) / 1024 : NaN,
    ok: r.status === 0, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

/** utime + stime of a running process, from /proc (clock ticks of 10 ms). */
function procCpuMs(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

/** knotd with a temporary config; time until the zone is loaded, RSS read from /proc then. */
async function knot(file: string): Promise<{ ms: number; cpuMs: number; rssMB: number; ok: boolean }> {
  const kd = join(DIR, 'knot');
  rmSync(kd, { recursive: true, force: true });
  mkdirSync(kd, { recursive: true });
  const conf = join(kd, 'knot.conf');
  writeFileSync(conf, `server:\n  rundir: "${kd}"\n  listen: 127.0.0.1@53535\n  background-workers: 1\n` +
    `database:\n  storage: "${kd}"\nlog:\n  - target: stderr\n    any: info\n` +
    `template:\n  - id: default\n    storage: "${DIR}"\n    semantic-checks: on\n    zonefile-sync: -1\n    journal-content: none\n` +
    `zone:\n  - domain: ${ORIGIN}\n    file: "${file}"\n`);
  const t0 = performance.now();
  const p = spawn('/usr/sbin/knotd', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  return await new Promise((resolve) => {
    let log = '';
    const done = (ok: boolean): void => {
      const ms = performance.now() - t0;
      let rssMB = NaN;
      const cpuMs = procCpuMs(p.pid);
      try { rssMB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))![1]) / 1024; } catch { /* gone */ }
      clearTimeout(timer);
      p.kill('SIGTERM');
      resolve({ ms, cpuMs, rssMB, ok });
    };
    const timer = setTimeout(() => done(false), 300_000);
    p.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      if (/loaded, serial/.test(log)) done(true);
      else if (/failed to (load|parse)|error/i.test(log) && /zone/.test(log)) done(false);
    });
    p.on('exit', () => done(false));
  });
}

async function main(): Promise<void> {
  if (argv[0] === '--child') return child(argv[1]!);
  mkdirSync(DIR, { recursive: true });
  const want = `${RECORDS}`;
  const stamp = join(DIR, 'records');
  if (!existsSync(FILE) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== want) {
    console.log(`generating ${RECORDS} records into ${FILE} ...`);
    await generate(FILE, RECORDS);
    writeFileSync(stamp, want);
  }
  console.log(`zone file: ${FILE} (${(statSync(FILE).size / 2 ** 20).toFixed(1)} MB)`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', SELF, '--child', FILE], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`geodesic load failed: ${r.stderr}`);
  const g = JSON.parse(r.stdout) as Record<string, number>;
  const named = timed('/usr/bin/named-checkzone', ['-i', 'none', '-k', 'ignore', '-n', 'ignore', ORIGIN, FILE]);
  const k = existsSync('/usr/sbin/knotd') ? await knot(FILE) : { ms: NaN, cpuMs: NaN, rssMB: NaN, ok: false };
  const rows: [string, number, number, number, string][] = [
    ['geodesic loadZoneFile', g.ms!, g.cpuMs!, g.maxRssMB!, `heap+buffers ${g.heapMB!.toFixed(0)} MB after load (${(g.heapMB! * 2 ** 20 / g.records!).toFixed(0)} B/record), ${g.warmHeapMB!.toFixed(0)} MB after a full records() walk (AXFR); RSS ${g.rssMB!.toFixed(0)} MB`],
    ['geodesic one-record write', g.patchP50Ms!, NaN, NaN, `patchZone p50 ${g.patchP50Ms!.toFixed(2)} ms, max ${g.patchMaxMs!.toFixed(1)} ms of 50; canonical order after them ${g.patchOrderMs!.toFixed(0)} ms; whole-zone rebuild (before incremental patching) ${(g.rebuildMs! / 1000).toFixed(2)} s`],
    ['named-checkzone', named.ms, named.cpuMs, named.maxRssMB, named.ok ? 'OK' : `FAILED ${named.out.slice(0, 200)}`],
    ['knotd (load to "loaded")', k.ms, k.cpuMs, k.rssMB, k.ok ? 'RSS when loaded' : 'FAILED'],
    ['Knot reference (issue 2)', 1300, NaN, 243, ''],
  ];
  console.log(`records ${g.records}, nodes ${g.names}; ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} ` +
    '(timings scale with load: compare the ratio to knotd measured in the same run)');
  console.log('| loader | wall s | CPU s | max RSS MB | CPU vs geodesic | notes |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, ms, cpu, mb, note] of rows) {
    console.log(`| ${name} | ${(ms / 1000).toFixed(2)} | ${(cpu / 1000).toFixed(2)} | ${mb.toFixed(0)} | ` +
      `${(cpu / g.cpuMs!).toFixed(2)}x | ${note} |`);
  }
}

await main();
