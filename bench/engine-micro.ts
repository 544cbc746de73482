// Per-query cost of Engine.answer without any I/O: the w1 and w2 query files of the shared harness
// against its example.com zone, with the answer cache on (hits) and off (every answer built).
//   node --import tsx bench/engine-micro.ts [--seconds 3]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Engine } from '../src/engine/index.js';
import { ZoneSet, loadZoneFile } from '../src/zone/index.js';
import { Flag, encodeMessage, nameFromText, typeFromText } from '../src/wire/index.js';

const data = fileURLToPath(new URL('../../shared/bench/dns/data/', import.meta.url));
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] || 3);
const zone = loadZoneFile(`${data}example.com.zone`, { origin: nameFromText('example.com.') });

function queries(file: string): Uint8Array[] {
  return readFileSync(`${data}${file}`, 'utf8').trim().split('\n').slice(0, 20000).map((line, i) => {
    const [name, type] = line.split(/\s+/) as [string, string];
    return encodeMessage({
      id: i & 0xffff, flags: Flag.RD, opcode: 0, rcode: 0,
      questions: [{ name: nameFromText(name.endsWith('.') ? name : `${name}.`), type: typeFromText(type), class: 1 }],
      answers: [], authority: [], additional: [],
      edns: { udpSize: 1232, extRcode: 0, version: 0, do: false, flags: 0, options: [] }, tsig: null,
    });
  });
}

const client = { transport: 'udp' as const, address: new Uint8Array([192, 0, 2, 1]), port: 1 };
for (const file of ['w1.txt', 'w2.txt']) {
  const qs = queries(file);
  for (const cacheSize of [100_000, 0]) {
    const engine = new Engine({ cacheSize });
    engine.setZones(new ZoneSet([zone]));
    let n = 0;
    const end = performance.now() + seconds * 1000;
    const c0 = process.cpuUsage();
    while (performance.now() < end) {
      for (let i = 0; i < 1000; i++, n++) {
        const q = qs[n % qs.length]!;
        engine.answer(q, q.length, client);
      }
    }
    const c = process.cpuUsage(c0);
    const secs = (c.user + c.system) / 1e6; // CPU time: the machine may be shared
    console.log(`${file} cache=${cacheSize > 0 ? 'on ' : 'off'}  ${Math.round(n / secs / 1000)}k answers per CPU second  ${(secs * 1e9 / n).toFixed(0)} ns/answer`);
  }
}
