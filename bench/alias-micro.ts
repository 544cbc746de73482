// Per-query cost of ALIAS answers in Engine.answer (no I/O): a static A answer (answer cache on and off)
// beside A at an ALIAS name whose target is outside (from the AliasTargets cache), hosted (through the
// pipeline), and a hosted LUA pickclosest record (geo cache), each asked from 1,000 client addresses.
//   node --import tsx bench/alias-micro.ts [--seconds 3]
import { Engine, AliasStage, GeoStage } from '../src/engine/index.js';
import { ZoneSet, buildZone, parseZoneText } from '../src/zone/index.js';
import { Flag, RRType, encodeMessage, nameFromText } from '../src/wire/index.js';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] || 3);
const origin = nameFromText('example.');
const zone = buildZone(origin, parseZoneText(`$ORIGIN example.
$TTL 300
@     SOA ns hm 1 2 3 4 5
@     NS  ns
@     ALIAS edge.cdn.test.
ns    A   192.0.2.1
www   A   192.0.2.10
in    ALIAS www
geo   ALIAS pick
pick  LUA A "pickclosest({'192.0.2.1','198.51.100.1'})"
`, { origin }));

const alias = AliasStage.create({ lookup: async () => ({ rdata: [new Uint8Array([203, 0, 113, 7])], ttl: 3600 }) });
const geo = await GeoStage.create({ enableLua: true });
const q = (name: string): Uint8Array => encodeMessage({
  id: 1, flags: Flag.RD, opcode: 0, rcode: 0, questions: [{ name: nameFromText(name), type: RRType.A, class: 1 }],
  answers: [], authority: [], additional: [], edns: { udpSize: 1232, extRcode: 0, version: 0, do: false, flags: 0, options: [] }, tsig: null,
});
const clients = Array.from({ length: 1000 }, (_, i) => ({ transport: 'udp' as const, address: new Uint8Array([10, i >> 8, i & 255, 1]), port: 1 }));

for (const [label, name, cacheSize] of [['static A, cache on', 'www.example.', 100_000], ['static A, cache off', 'www.example.', 0],
  ['ALIAS, outside target', 'example.', 100_000], ['ALIAS, hosted target', 'in.example.', 100_000],
  ['ALIAS, hosted LUA geo target', 'geo.example.', 100_000], ['the LUA geo record itself', 'pick.example.', 100_000]] as const) {
  const engine = new Engine({ cacheSize, alias, geo });
  engine.setZones(new ZoneSet([zone]));
  await alias.targets.settled(1000);
  const req = q(name);
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const c0 = process.cpuUsage();
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++, n++) engine.answer(req, req.length, clients[n % 1000]!);
  }
  const c = process.cpuUsage(c0);
  const secs = (c.user + c.system) / 1e6;
  console.log(`${label.padEnd(30)} ${Math.round(n / secs / 1000)}k answers per CPU second  ${(secs * 1e9 / n).toFixed(0)} ns/answer`);
}
alias.close();
geo.close();
