// Connection-rate micro-benchmark (no TLS work): N workers open a TCP connection to the relay,
// send a recorded ClientHello (SNI a.bench.test), read the backend's reply to EOF, close.
// Reports connections/s and the relay's CPU µs per connection (utime+stime from /proc).
//   node bench/relay/conn-rate.mjs --port P --pid PID [--backend-port 19443] [--seconds 5] [--conc 8]
// Starts its own plain backend on --backend-port (answers "backend-A\n" and closes).
import { connect, createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { Duplex } from 'node:stream';

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((s) => s.trim().split(/\s+/)));
const port = Number(args.port), pid = Number(args.pid), seconds = Number(args.seconds ?? 5), conc = Number(args.conc ?? 8);
const backendPort = Number(args['backend-port'] ?? 19443);
const ticks = () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); };
const hello = await new Promise((resolve) => {
  const chunks = [];
  const wire = new Duplex({ read() {}, write(c, _e, cb) { chunks.push(c); cb(); setImmediate(() => { t.destroy(); resolve(Buffer.concat(chunks)); }); } });
  const t = tlsConnect({ socket: wire, servername: 'a.bench.test', rejectUnauthorized: false }); t.on('error', () => {});
});
const backend = createServer((s) => { s.on('error', () => {}); s.once('data', () => s.end('backend-A\n')); }).listen(backendPort, '127.0.0.1');
await new Promise((r) => backend.once('listening', r));
let done = 0, errors = 0, stop = false;
const one = () => new Promise((resolve) => {
  const s = connect(port, '127.0.0.1', () => s.write(hello));
  let got = '';
  s.setTimeout(5000, () => s.destroy(new Error('timeout')));
  s.on('data', (d) => (got += d));
  s.on('error', () => { errors++; resolve(); });
  s.on('close', () => { if (got.startsWith('backend-A')) done++; else errors++; resolve(); });
});
const worker = async () => { while (!stop) await one(); };
const warm = Date.now(); stop = false;
await Promise.all(Array.from({ length: conc }, worker).map(async (p, i) => { if (i === 0) { await new Promise((r) => setTimeout(r, 1000)); } return p; }).slice(0, 0));
const t0 = ticks(), d0 = done, start = Date.now();
setTimeout(() => (stop = true), seconds * 1000);
await Promise.all(Array.from({ length: conc }, worker));
const el = (Date.now() - start) / 1000, n = done - d0, cpuUs = ((ticks() - t0) * 1e6) / 100;
console.log(`conn-rate port=${port} conns=${n} conns_per_s=${(n / el).toFixed(0)} errors=${errors} relay_cpu_us_per_conn=${(cpuUs / n).toFixed(1)}`);
backend.close(); process.exit(0);
