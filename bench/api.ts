// HTTP API beside PowerDNS 4.7 (gsqlite3): PATCH latency (sequential), PATCH throughput (concurrent
// clients on one zone), and GET of a 10,000-record zone, against `geodesic serve --data` and pdns_server
// started on loopback by the API differential suite's harness. Geodesic answers a write only once DNS
// serves it; the bench also checks each sequential PATCH with a DNS query right after it.
// Run: node --import tsx bench/api.ts [--patches 200] [--clients 8]
import { execFileSync } from 'node:child_process';
import { startPdns, pdnsMissing } from '../test/e2e/api-diff/pdns.js';
import type { ApiServer } from '../test/e2e/api-diff/pdns.js';
import { startGeodesic } from '../test/e2e/api-diff/geodesic.js';
import { send } from '../test/e2e/api-diff/http.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const PATCHES = arg('patches', 200);
const CLIENTS = arg('clients', 8);
const RECORDS = 10_000;
const Z = '/api/v1/servers/localhost/zones';

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (x: number): string => `${x.toFixed(1)} ms`;

function dig(port: number, name: string): string {
  return execFileSync('dig', ['@127.0.0.1', '-p', String(port), '+short', '+norec', '+time=2', '+tries=1', name, 'A'], { encoding: 'utf8', timeout: 5000 }).trim();
}

async function run(s: ApiServer): Promise<Record<string, string>> {
  const zone = 'bench.example.';
  const rrsets = Array.from({ length: RECORDS }, (_, i) => ({ name: `h${i}.${zone}`, type: 'A', ttl: 300, records: [{ content: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, disabled: false }] }));
  let t = performance.now();
  const c = await send(s, { method: 'POST', path: Z, body: { name: zone, kind: 'Native', nameservers: [`ns1.${zone}`], rrsets } }, 120_000);
  if (c.status !== 201) throw new Error(`${s.name}: create ${c.status} ${c.text.slice(0, 300)}`);
  const create = performance.now() - t;

  const lat: number[] = [];
  let stale = 0;
  for (let i = 0; i < PATCHES; i++) {
    const ip = `192.0.2.${(i % 250) + 1}`;
    t = performance.now();
    const r = await send(s, { method: 'PATCH', path: `${Z}/${zone}`, body: { rrsets: [{ name: `www.${zone}`, type: 'A', ttl: 60, changetype: 'REPLACE', records: [{ content: ip, disabled: false }] }] } });
    lat.push(performance.now() - t);
    if (r.status !== 204) throw new Error(`${s.name}: PATCH ${r.status} ${r.text}`);
    if (i % 10 === 0 && dig(s.dnsPort, `www.${zone}`) !== ip) stale++;
  }

  const statuses = new Map<number, number>();
  t = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async (_, w) => {
    for (let i = 0; i < PATCHES / CLIENTS; i++) {
      const r = await send(s, { method: 'PATCH', path: `${Z}/${zone}`, body: { rrsets: [{ name: `w${w}-${i}.${zone}`, type: 'TXT', ttl: 60, changetype: 'REPLACE', records: [{ content: `"${i}"`, disabled: false }] }] } }, 60_000);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
  }));
  const conc = performance.now() - t;

  const gets: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    const g = await send(s, { method: 'GET', path: `${Z}/${zone}` }, 60_000);
    gets.push(performance.now() - t);
    if (g.status !== 200) throw new Error(`${s.name}: GET ${g.status}`);
  }
  return {
    'create (10k rrsets)': ms(create),
    'PATCH p50 / p99': `${ms(pct(lat, 0.5))} / ${ms(pct(lat, 0.99))}`,
    'DNS stale right after PATCH': `${stale} of ${Math.ceil(PATCHES / 10)}`,
    [`PATCH/s, ${CLIENTS} clients`]: `${((PATCHES / CLIENTS) * CLIENTS / (conc / 1000)).toFixed(0)} (${[...statuses].map(([k, v]) => `${v}x${k}`).join(' ')})`,
    'GET zone (10k) median': ms(pct(gets, 0.5)),
  };
}

const rows: [string, Record<string, string>][] = [];
const geo = await startGeodesic();
try { rows.push(['geodesic', await run(geo)]); } finally { await geo.stop(); }
if (pdnsMissing === undefined) {
  const pdns = await startPdns();
  try { rows.push(['powerdns 4.7', await run(pdns)]); } finally { await pdns.stop(); }
} else {
  console.log(`PowerDNS skipped: ${pdnsMissing}`);
}
const keys = Object.keys(rows[0]![1]);
console.log(`| | ${rows.map((r) => r[0]).join(' | ')} |\n| --- | ${rows.map(() => '---').join(' | ')} |`);
for (const k of keys) console.log(`| ${k} | ${rows.map((r) => r[1][k]).join(' | ')} |`);
