/**
 * LUA records differentially against PowerDNS 4.7 (bind + geoip backends, enable-lua-records=yes,
 * edns-subnet-processing=yes, the same MMDB files): every function of test/fixtures/geo with several
 * ECS inputs. Deterministic answers must be equal; random picks must give the same set of answers
 * (and the same count of records). Skipped when pdns_server or its geoip backend is missing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EdnsOptionCode, decodeMessage, encodeClientSubnet, encodeMessage, nameFromText, rrToText, typeFromText,
} from '../../src/wire/index.js';
import type { Message } from '../../src/wire/index.js';
import { ZoneSet, buildZone, parseZoneText } from '../../src/zone/index.js';
import { Engine, GeoStage } from '../../src/engine/index.js';
import { addressFromText, networkFromText } from '../../src/geo/index.js';
import { freePort } from './lib/free-port.js';
import { startServer } from './lib/server-process.js';
import type { RunningServer } from './lib/server-process.js';

const FIX = new URL('../fixtures/geo/', import.meta.url).pathname;
const DB = new URL('../../../shared/testdata/geoip/', import.meta.url).pathname;
const FILES = [`${DB}GeoIP2-City-Test.mmdb`, `${DB}GeoLite2-ASN-Test.mmdb`];
const ZONES: Array<[string, string]> = [
  ['geo.test.', 'geo.test.zone'], ['2.0.192.in-addr.arpa.', '2.0.192.in-addr.arpa.zone'],
  ['8.b.d.0.1.0.0.2.ip6.arpa.', '8.b.d.0.1.0.0.2.ip6.arpa.zone'],
];
const PDNS = '/usr/sbin/pdns_server';
const available = existsSync(PDNS) && existsSync('/usr/lib/x86_64-linux-gnu/pdns/libgeoipbackend.so');

/** ECS inputs (null: none, the source address 127.0.0.1 decides): London, Linköping, Milton WA,
 * Changchun, the Philippines, Bhutan, San Diego, an ASN-only network, Tokyo (IPv6). */
const CLIENTS: Array<string | null> = [
  '81.2.69.142/32', '89.160.20.112/28', '216.160.83.56/32', '175.16.199.0/24', '202.196.224.0/24', '67.43.156.0/24',
  '214.78.120.0/24', '1.128.0.0/16', '2001:218::/48', null,
];

const DETERMINISTIC = [
  'closest', 'closest2', 'hashed', 'hashed2', 'whashed', 'whashed2', 'random2', 'all', 'all2', 'country', 'country2',
  'continent', 'continent2', 'region', 'region2', 'asnum', 'asnum2', 'netmask', 'netmask2', 'view', 'script', 'include',
  '81-2-69-142.89-160-20-112.216-160-83-56.magic', '202-196-224-1.67-43-156-1.magic', '1-2-3-4.fwd', 'ip-0a000001.fwd',
  '10.0.0.1.fwd', '10-1-2-3.ff', '1-2-3-4.ff', '1-2-3-4.ff2',
].map((n): [string, string] => [`${n}.geo.test.`, 'A']).concat(
  ['cc', 'cc2', 'contc', 'regc', 'latlon', 'latlon2', 'latlonloc', 'bestwho',
    '142.69.2.81.lmagic', '56.83.160.216.lmagic'].map((n): [string, string] => [`${n}.geo.test.`, 'TXT']),
  [['20010db8000000000000000000000001.fwd6.geo.test.', 'AAAA'], ['2001-db8--5.fwd6.geo.test.', 'AAAA'],
    ['5.0.2.192.in-addr.arpa.', 'PTR'], ['7.0.2.192.in-addr.arpa.', 'PTR'], ['9.0.2.192.in-addr.arpa.', 'PTR'],
    ['8.0.2.192.in-addr.arpa.', 'PTR'],
    [`${'1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.'}8.b.d.0.1.0.0.2.ip6.arpa.`, 'PTR']],
);
const RANDOM = ['random', 'wrandom', 'wrandom2', 'sample', 'sample2', 'view2'].map((n) => `${n}.geo.test.`);

let dir = '';
let pdns: RunningServer | undefined;
let stage: GeoStage;
let engine: Engine;

before(async () => {
  if (!available) return;
  dir = mkdtempSync(join(tmpdir(), 'geo-pdns-'));
  writeFileSync(join(dir, 'named.conf'), ZONES.map(([z, f]) => `zone "${z}" { type master; file "${FIX}${f}"; };\n`).join(''));
  writeFileSync(join(dir, 'geo-zones.yaml'), 'domains: []\n');
  const port = await freePort(['127.0.0.1']);
  writeFileSync(join(dir, 'pdns.conf'), `launch=bind,geoip
bind-config=${dir}/named.conf
geoip-database-files=${FILES.map((f) => `mmdb:${f}`).join(' ')}
geoip-zones-file=${dir}/geo-zones.yaml
enable-lua-records=yes
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
  pdns = await startServer({
    name: 'pdns', command: PDNS, args: [`--config-dir=${dir}`], hosts: ['127.0.0.1'], port, zones: ['geo.test.'],
  });
  stage = await GeoStage.create({ geoip: { files: FILES }, enableLua: true });
  engine = new Engine({ geo: stage });
  engine.setZones(new ZoneSet(ZONES.map(([z, f]) => {
    const origin = nameFromText(z);
    return buildZone(origin, parseZoneText(readFileSync(`${FIX}${f}`, 'utf8'), { origin }));
  })));
});

after(async () => {
  await pdns?.stop();
  stage?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

function query(name: string, type: string, ecs: string | null, id: number): Uint8Array {
  const options = [];
  if (ecs !== null) {
    const n = networkFromText(ecs);
    options.push({
      code: EdnsOptionCode.CLIENT_SUBNET,
      data: encodeClientSubnet({ family: n.address.length === 4 ? 1 : 2, sourcePrefix: n.prefix, scopePrefix: 0, address: n.address }),
    });
  }
  return encodeMessage({
    id, flags: 0, opcode: 0, rcode: 0, questions: [{ name: nameFromText(name), type: typeFromText(type), class: 1 }],
    answers: [], authority: [], additional: [], tsig: null,
    edns: { udpSize: 1232, extRcode: 0, version: 0, do: false, flags: 0, options },
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

const view = (m: Message): string => `${m.rcode} ${m.answers.map((r) => rrToText(r).replace(/\s+/g, ' ')).sort().join(' | ')}`;

test('deterministic LUA functions answer as PowerDNS 4.7 does, from every ECS input', { skip: !available, timeout: 120_000 }, async () => {
  const diffs: string[] = [];
  let id = 1;
  for (const ecs of CLIENTS) {
    for (const [name, type] of DETERMINISTIC) {
      const q = query(name, type, ecs, id++);
      const theirs = view(await askPdns(q));
      const ours = view(askGeodesic(q));
      if (theirs !== ours) diffs.push(`${name} ${type} from ${ecs ?? 'source'}:\n  pdns     ${theirs}\n  geodesic ${ours}`);
    }
  }
  assert.deepEqual(diffs, []);
});

test('random picks give the same set of answers and record counts as PowerDNS 4.7', { skip: !available, timeout: 120_000 }, async () => {
  const diffs: string[] = [];
  let id = 1;
  for (const ecs of ['81.2.69.142/32', '175.16.199.0/24', null]) {
    for (const name of RANDOM) {
      const theirs = new Set<string>();
      const ours = new Set<string>();
      for (let i = 0; i < 40; i++) {
        const q = query(name, 'A', ecs, id++);
        theirs.add(view(await askPdns(q)));
        ours.add(view(askGeodesic(q)));
      }
      const count = (s: Set<string>): string => [...new Set([...s].map((v) => v.split(' | ').length))].sort().join(',');
      const addrs = (s: Set<string>): string => [...new Set([...s].flatMap((v) => v.split(' | ').map((r) => r.split(' ').pop())))].sort().join(',');
      if (count(theirs) !== count(ours) || addrs(theirs) !== addrs(ours)) {
        diffs.push(`${name} from ${ecs ?? 'source'}: pdns ${[...theirs].join(' / ')}\n  geodesic ${[...ours].join(' / ')}`);
      }
    }
  }
  assert.deepEqual(diffs, []);
});
