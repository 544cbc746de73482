/**
 * Declarative geo records against PowerDNS 4.7: the LUA content a rule compiles to, served by PowerDNS
 * (bind + geoip backends, the MaxMind test databases) and by Geodesic (native evaluation of the rule),
 * gives the same answers from every ECS input — also with endpoints checked over TCP, one listening and
 * one not. Skipped when pdns_server or its geoip backend is missing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EdnsOptionCode, decodeMessage, encodeClientSubnet, encodeMessage, nameFromText, rrToText, typeFromText,
} from '../../src/wire/index.js';
import type { Message } from '../../src/wire/index.js';
import { ZoneSet, buildZone, parseZoneText } from '../../src/zone/index.js';
import { Engine, GeoStage } from '../../src/engine/index.js';
import { HealthPlane } from '../../src/health/index.js';
import { addressFromText, compileRule, networkFromText } from '../../src/geo/index.js';
import type { GeoRule } from '../../src/geo/index.js';
import { freePort } from './lib/free-port.js';
import { startServer } from './lib/server-process.js';
import type { RunningServer } from './lib/server-process.js';

const DB = new URL('../../../shared/testdata/geoip/', import.meta.url).pathname;
const FILES = [`${DB}GeoIP2-City-Test.mmdb`, `${DB}GeoLite2-ASN-Test.mmdb`];
const PDNS = '/usr/sbin/pdns_server';
const available = existsSync(PDNS) && existsSync('/usr/lib/x86_64-linux-gnu/pdns/libgeoipbackend.so');
const CLIENTS = ['81.2.69.142/32', '89.160.20.112/28', '216.160.83.56/32', '175.16.199.0/24', '202.196.224.0/24',
  '67.43.156.0/24', '2001:218::/48', '111.235.160.0/24'];

// Endpoints at GeoIP test addresses (their location from the database) or with explicit positions.
const geoEndpoints = [
  { name: 'lon', address: '81.2.69.142' }, { name: 'lkp', address: '89.160.20.112' },
  { name: 'mlt', address: '216.160.83.56' }, { name: 'cgq', address: '175.16.199.1' },
];
const placed = [
  { name: 'fra', address: '192.0.2.1', lat: 50.11, lon: 8.68 }, { name: 'nyc', address: '192.0.2.2', lat: 40.71, lon: -74.01, bias: 2000 },
  { name: 'sin', address: '192.0.2.3', lat: 1.35, lon: 103.82 },
];
let open = 0;
let closed = 0;
const RULES: Record<string, () => GeoRule> = {
  closest: () => ({ rule: 'closest', endpoints: geoEndpoints }),
  placed: () => ({ rule: 'closest', endpoints: placed }),
  map: () => ({ rule: 'map', endpoints: placed, countries: { GB: ['fra'], US: ['nyc'] }, continents: { AS: ['sin'], EU: ['fra'] }, default: ['nyc', 'fra'] }),
  mapall: () => ({ rule: 'map', endpoints: placed, countries: { SE: ['sin'] } }),
  failover: () => ({ rule: 'failover', endpoints: [
    { name: 'down1', address: '192.0.2.10', priority: 1, check: { type: 'tcp', port: closed } },
    { name: 'up2', address: '127.0.0.1', priority: 2, check: { type: 'tcp', port: open } },
    { name: 'plain3', address: '192.0.2.12', priority: 2 },
    { name: 'last', address: '192.0.2.13', priority: 3 },
  ] }),
  checkedclosest: () => ({ rule: 'closest', endpoints: [
    { ...placed[0]!, name: 'e0', address: '127.0.0.1', check: { type: 'tcp', port: closed } },
    { ...placed[1]!, name: 'e1', address: '127.0.0.1', check: { type: 'tcp', port: open } },
    placed[2]!,
  ] }),
};

let dir = '';
let pdns: RunningServer | undefined;
let stage: GeoStage;
let engine: Engine;
let plane: HealthPlane;
let listener: Server;

before(async () => {
  if (!available) return;
  listener = createServer((c) => c.destroy());
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
  open = (listener.address() as { port: number }).port;
  closed = await freePort(['127.0.0.1']);
  dir = mkdtempSync(join(tmpdir(), 'geo-rule-pdns-'));
  const zone = `$ORIGIN rule.test.
$TTL 60
@ SOA ns hm 1 2 3 4 5
@ NS ns
ns A 192.0.2.53
${Object.entries(RULES).map(([n, r]) => `${n} LUA A "${compileRule(r()).replace(/(["\\])/g, '\\$1')}"`).join('\n')}
`;
  writeFileSync(join(dir, 'rule.test.zone'), zone);
  writeFileSync(join(dir, 'named.conf'), `zone "rule.test." { type master; file "${dir}/rule.test.zone"; };\n`);
  writeFileSync(join(dir, 'geo-zones.yaml'), 'domains: []\n');
  const port = await freePort(['127.0.0.1']);
  writeFileSync(join(dir, 'pdns.conf'), `launch=bind,geoip
bind-config=${dir}/named.conf
geoip-database-files=${FILES.map((f) => `mmdb:${f}`).join(' ')}
geoip-zones-file=${dir}/geo-zones.yaml
enable-lua-records=yes
lua-health-checks-interval=1
edns-subnet-processing=yes
cache-ttl=0
query-cache-ttl=0
negquery-cache-ttl=0
local-address=127.0.0.1
local-port=${port}
socket-dir=${dir}
daemon=no
guardian=no
disable-syslog=yes
loglevel=4
`);
  pdns = await startServer({ name: 'pdns', command: PDNS, args: [`--config-dir=${dir}`], hosts: ['127.0.0.1'], port, zones: ['rule.test.'] });
  plane = new HealthPlane({ defaults: { intervalMs: 1000 } });
  stage = await GeoStage.create({ geoip: { files: FILES }, enableLua: true, health: plane });
  engine = new Engine({ geo: stage });
  const origin = nameFromText('rule.test.');
  engine.setZones(new ZoneSet([buildZone(origin, parseZoneText(zone, { origin }))]));
});

after(async () => {
  await pdns?.stop();
  stage?.close();
  plane?.close();
  listener?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

function query(name: string, ecs: string, id: number): Uint8Array {
  const n = networkFromText(ecs);
  return encodeMessage({
    id, flags: 0, opcode: 0, rcode: 0, questions: [{ name: nameFromText(name), type: typeFromText('A'), class: 1 }],
    answers: [], authority: [], additional: [], tsig: null,
    edns: { udpSize: 1232, extRcode: 0, version: 0, do: false, flags: 0, options: [{
      code: EdnsOptionCode.CLIENT_SUBNET,
      data: encodeClientSubnet({ family: n.address.length === 4 ? 1 : 2, sourcePrefix: n.prefix, scopePrefix: 0, address: n.address }),
    }] },
  });
}

function askPdns(bytes: Uint8Array): Promise<Message> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => { s.close(); reject(new Error('PowerDNS did not answer in 3 s')); }, 3000);
    s.on('message', (m) => { clearTimeout(timer); s.close(); resolve(decodeMessage(new Uint8Array(m))); });
    s.send(bytes, pdns!.port, '127.0.0.1');
  });
}

function askGeodesic(bytes: Uint8Array): Message {
  const n = engine.answer(bytes, bytes.length, { transport: 'udp', address: addressFromText('127.0.0.1'), port: 40000 });
  return decodeMessage(engine.output.slice(0, n));
}

const view = (m: Message): string => `${m.rcode} ${m.answers.map((r) => rrToText(r).replace(/\s+/g, ' ').replace(/^\S+ \d+ /, '')).sort().join(' | ')}`;

test('declarative records: Geodesic (native) and PowerDNS 4.7 (the compiled Lua) answer alike', { skip: !available, timeout: 120_000 }, async () => {
  // PowerDNS starts its checks at the first query and re-checks every second: ask once, wait, compare.
  let id = 1;
  for (const name of Object.keys(RULES)) await askPdns(query(`${name}.rule.test.`, CLIENTS[0]!, id++));
  await new Promise((r) => setTimeout(r, 3500));
  const diffs: string[] = [];
  for (const ecs of CLIENTS) {
    for (const name of Object.keys(RULES)) {
      const q = query(`${name}.rule.test.`, ecs, id++);
      const theirs = view(await askPdns(q));
      const ours = view(askGeodesic(q));
      if (theirs !== ours) diffs.push(`${name} from ${ecs}:\n  pdns     ${theirs}\n  geodesic ${ours}`);
    }
  }
  assert.deepEqual(diffs, []);
  // and the checked records did see one endpoint down
  assert.match(view(askGeodesic(query('failover.rule.test.', CLIENTS[0]!, id++))), /^0 IN A 127\.0\.0\.1 \| IN A 192\.0\.2\.12$/);
});
