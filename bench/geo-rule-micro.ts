// Cost of one geo-cache miss (no I/O): a declarative closest rule over 5 TCP-checked endpoints evaluated
// natively, the same rule's compiled PowerDNS Lua run in the Lua VM, and a hand-written LUA
// ifportup(..., {selector='pickclosest'}) over the same 5 targets; health from a real HealthPlane.
//   node --import tsx bench/geo-rule-micro.ts [--evaluations 20000] [--rounds 3]
import { GeoIp, LuaVm, addressFromText, compileRule, evaluateLua, planeHealth } from '../src/geo/index.js';
import type { LuaInputs } from '../src/geo/index.js';
import { HealthPlane } from '../src/health/index.js';
import { nameFromText } from '../src/wire/index.js';

const arg = (name: string, d: number): number => {
  const i = process.argv.indexOf(name);
  return i < 0 ? d : Number(process.argv[i + 1]);
};
const n = arg('--evaluations', 20_000);
const rounds = arg('--rounds', 3);
const geo = new GeoIp({ files: [new URL('../../shared/testdata/geoip/GeoIP2-City-Test.mmdb', import.meta.url).pathname] });
const plane = new HealthPlane({ defaults: { intervalMs: 3_600_000 } });
const vm = await LuaVm.create({
  execLimit: 0,
  host: { luaCodeAt: () => [], lookup: () => [], log: () => {}, ...planeHealth(plane) },
});
const endpoints = Array.from({ length: 5 }, (_, i) => ({
  name: `e${i}`, address: `192.0.2.${i + 1}`, lat: 10 * i, lon: 20 * i - 40, check: { type: 'tcp' as const, port: 443 },
}));
const rule = compileRule({ rule: 'closest', endpoints });
const cases: Array<[string, string]> = [
  ['declarative closest, native', rule],
  ['the same rule as PowerDNS Lua in the VM', `${rule} `],
  ['LUA ifportup + pickclosest', `ifportup(443, {${endpoints.map((e) => `'${e.address}'`).join(',')}}, {selector='pickclosest'})`],
];
const clients = ['81.2.69.160', '89.160.20.112', '216.160.83.56', '175.16.199.1', '2.125.160.216'];
const inputs: LuaInputs[] = clients.map((c) => ({
  qname: nameFromText('www.example.'), qtype: 1, zone: nameFromText('example.'), zoneId: 1, recordOwner: nameFromText('www.example.'),
  who: addressFromText(c), whoPort: 1, localwho: null, ecs: null, dnssecOk: false, tcp: false, ednsSize: 1232, id: 1, flags: 0,
}));
for (const [label, code] of cases) {
  for (let i = 0; i < 2000; i++) evaluateLua(vm, [code], inputs[i % inputs.length]!, geo);
  const runs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) evaluateLua(vm, [code], inputs[i % inputs.length]!, geo);
    runs.push(((performance.now() - t) * 1000) / n);
  }
  runs.sort((a, b) => a - b);
  console.log(`${label.padEnd(42)} ${runs[Math.floor(runs.length / 2)]!.toFixed(1)} µs per evaluation (median of ${rounds})`);
}
vm.close();
plane.close();
geo.close();
