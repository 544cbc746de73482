/**
 * I/O ceiling of each UDP path: a trivial DNS-ish responder (copy the query, set QR) on the native
 * batched path, the native path with its answer cache (repeated questions answered in C), and
 * node:dgram, each pinned to CPU 0, loaded by the shared harness's dnsperf on
 * CPU 1 (../shared/bench/dns/run.sh --pid, workload w1), rounds interleaved.
 *
 *   node --import tsx bench/udp-echo.ts [--seconds 5] [--rounds 2]
 *   node --import tsx bench/udp-echo.ts serve --port P [--dgram|--cache]   (the server, started by the above)
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAnswerCache, nativeStatus, openUdp } from '../src/native/index.js';
import type { AnswerCache, UdpBatch } from '../src/native/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUN = join(ROOT, '..', 'shared', 'bench', 'dns', 'run.sh');

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

let cache: AnswerCache | undefined;

function echo(b: UdpBatch): void {
  const { rx, tx, rxLen, txLen, slot } = b;
  for (let i = 0; i < b.count; i++) {
    const len = rxLen[i] ?? 0;
    if (len < 12) continue;
    const o = i * slot;
    tx.set(rx.subarray(o, o + len), o);
    tx[o + 2] = (tx[o + 2] ?? 0) | 0x80;
    txLen[i] = len;
    cache?.put(rx.subarray(o, o + len), tx.subarray(o, o + len));
  }
}

async function serve(): Promise<void> {
  if (process.argv.includes('--cache')) cache = createAnswerCache();
  const ep = await openUdp({ host: '127.0.0.1', port: Number(arg('--port', '5320')), fallback: process.argv.includes('--dgram'), cache }, echo);
  process.stdout.write(`ready native=${ep.native}\n`);
  process.on('SIGTERM', () => {
    const st = ep.stats();
    const hits = cache ? ` cache_hits=${cache.stats().hits}` : '';
    process.stdout.write(`stats batches=${st.batches} rx=${st.rxPackets} mean_batch=${(st.rxPackets / Math.max(1, st.batches)).toFixed(1)}${hits}\n`);
    void ep.close().then(() => process.exit(0));
  });
}

async function ready(port: number): Promise<boolean> {
  const s = createSocket('udp4');
  let answered = false;
  s.on('message', () => { answered = true; });
  try {
    for (let k = 0; k < 50 && !answered; k++) {
      s.send(new Uint8Array(12), port, '127.0.0.1');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return answered;
  } finally { s.close(); }
}

type Path = 'native' | 'native-cache' | 'dgram';

async function measure(path: Path, port: number, secs: number): Promise<Record<string, string>> {
  const args = ['-c', '0', process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), 'serve', '--port', String(port)];
  if (path === 'dgram') args.push('--dgram');
  if (path === 'native-cache') args.push('--cache');
  const child = spawn('taskset', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  try {
    if (!(await ready(port))) throw new Error(`${path} echo server did not answer on ${port}`);
    const r = spawnSync(RUN, ['--port', String(port), '--workload', 'w1', '--seconds', String(secs), '--label', `echo-${path}`,
      '--pid', String(child.pid)], { encoding: 'utf8', timeout: (secs + 120) * 1000 });
    const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT')) ?? '';
    process.stdout.write(`${line || r.stderr}\n`);
    return Object.fromEntries(line.split(' ').slice(1).map((kv) => kv.split('=') as [string, string]));
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => { child.once('exit', resolve); setTimeout(resolve, 3000); });
    process.stdout.write(`  ${path}: ${out.split('\n').find((l) => l.startsWith('stats')) ?? ''}\n`);
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'serve') return serve();
  const secs = Number(arg('--seconds', '5'));
  const rounds = Number(arg('--rounds', '2'));
  const status = nativeStatus();
  const paths: Path[] = status.available ? ['native', 'native-cache', 'dgram'] : ['dgram'];
  if (!status.available) process.stdout.write(`native path unavailable: ${status.reason}\n`);
  const res: Record<string, Record<string, string>[]> = { native: [], 'native-cache': [], dgram: [] };
  for (let r = 0; r < rounds; r++) for (const [k, p] of paths.entries()) res[p]?.push(await measure(p, 5320 + k, secs));
  const med = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0;
  process.stdout.write('\npath         | runs |    QPS | cpu % | QPS/core | avg ms\n');
  for (const p of paths) {
    const rs = res[p] ?? [];
    const f = (k: string): number => med(rs.map((x) => Number(x[k] ?? 0)));
    process.stdout.write(`${p.padEnd(12)} | ${String(rs.length).padStart(4)} | ${(f('qps') / 1000).toFixed(1).padStart(5)}k | ${f('server_cpu_pct').toFixed(0).padStart(5)} | ${(f('qps_per_core') / 1000).toFixed(1).padStart(7)}k | ${f('lat_avg_ms').toFixed(2)}\n`);
  }
}

await main();
