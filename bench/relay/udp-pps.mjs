// UDP request/response rate through a relay: W client sockets (distinct sessions) each keep
// `depth` 64-byte datagrams in flight to PORT; a UDP echo backend on BACKEND_PORT answers.
// Prints replies/s and the relay's CPU µs per datagram pair (utime+stime from /proc/PID/stat).
//   node bench/relay/udp-pps.mjs --port P --pid PID --backend-port B [--seconds 5] [--clients 16] [--depth 4]
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';

const a = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((s) => s.trim().split(/\s+/)));
const port = Number(a.port), pid = Number(a.pid), seconds = Number(a.seconds ?? 5), clients = Number(a.clients ?? 16), depth = Number(a.depth ?? 4);
const ticks = () => { if (!pid) return 0; const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); };
const echo = createSocket('udp4');
echo.on('message', (m, r) => echo.send(m, r.port, r.address));
await new Promise((r) => echo.bind(Number(a['backend-port']), '127.0.0.1', r));
let replies = 0, stop = false;
const payload = Buffer.alloc(64, 0x61);
const socks = [];
for (let i = 0; i < clients; i++) {
  const s = createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  s.on('message', () => { replies++; if (!stop) s.send(payload, port, '127.0.0.1'); });
  socks.push(s);
}
for (const s of socks) for (let j = 0; j < depth; j++) s.send(payload, port, '127.0.0.1');
// Lost datagrams would shrink the window: top it up every 100 ms.
const topUp = setInterval(() => { for (const s of socks) s.send(payload, port, '127.0.0.1'); }, 100);
await new Promise((r) => setTimeout(r, 1000));
const t0 = ticks(), r0 = replies, start = Date.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
const n = replies - r0, el = (Date.now() - start) / 1000, cpu = ((ticks() - t0) * 1e6) / 100;
stop = true; clearInterval(topUp);
console.log(`udp-pps port=${port} replies_per_s=${(n / el).toFixed(0)} relay_cpu_us_per_pair=${pid ? (cpu / n).toFixed(1) : '-'}`);
for (const s of socks) s.close();
echo.close();
process.exit(0);
