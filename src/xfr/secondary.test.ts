import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer as createTcpServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Socket as UdpSocket } from 'node:dgram';
import { Flag, RRType, decodeMessage, encodeMessage, nameFromText, rdataFromText, tokenize } from '../wire/index.js';
import { Catalog } from '../catalog/index.js';
import { createScratchStore, openStore } from '../store/index.js';
import type { ScratchStore } from '../store/index.js';
import { Secondaries } from './secondary.js';
import { packTransfer } from './transfer-writer.js';
import type { Rec } from './transfer-writer.js';
import { KeyRing } from './tsig-keys.js';

const origin = nameFromText('sec.test.');
const rd = (type: number, text: string): Uint8Array => rdataFromText(type, tokenize(text), origin);
const soa = (serial: number): Rec => [origin, RRType.SOA, 60, rd(RRType.SOA, `ns.sec.test. h.sec.test. ${serial} 3600 1 3600 60`)];
const rec = (name: string, type: number, text: string): Rec => [nameFromText(`${name}.sec.test.`), type, 60, rd(type, text)];

/** A primary played by hand: SOA over UDP and AXFR over TCP answer from `current` (the test swaps it). */
let current: { serial: number; records: Rec[]; cut?: boolean } = { serial: 1, records: [] };
const cleanups: (() => void)[] = [];
let scratch: ScratchStore | null = null;
after(async () => { for (const c of cleanups) c(); await scratch?.drop(); });

async function fakePrimary(): Promise<number> {
  const tcp: Server = createTcpServer((sock: Socket) => {
    sock.on('error', () => undefined);
    sock.once('data', (d: Buffer) => {
      const q = decodeMessage(new Uint8Array(d.subarray(2, 2 + d.readUInt16BE(0))));
      const all = [soa(current.serial), ...current.records, soa(current.serial)];
      const msgs = [...packTransfer({ id: q.id, qname: origin, qtype: q.questions[0]!.type, qclass: 1 }, origin, current.cut === true ? all.slice(0, -1) : all, 512)];
      for (const m of msgs) { const f = Buffer.alloc(m.length + 2); f.writeUInt16BE(m.length); f.set(m, 2); sock.write(f); }
      if (current.cut === true) sock.end();
    });
  });
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  const port = (tcp.address() as { port: number }).port;
  const udp: UdpSocket = createSocket('udp4');
  udp.on('message', (m, r) => {
    const q = decodeMessage(new Uint8Array(m));
    const [n, t, ttl, data] = soa(current.serial);
    udp.send(encodeMessage({ id: q.id, flags: Flag.QR | Flag.AA, opcode: 0, rcode: 0, questions: q.questions, answers: [{ name: n, type: t, class: 1, ttl, rdata: data }], authority: [], additional: [], edns: null, tsig: null }), r.port, r.address);
  });
  await new Promise<void>((r) => udp.bind(port, '127.0.0.1', r));
  cleanups.push(() => { tcp.close(); udp.close(); });
  return port;
}

test('a transfer is stored only whole and valid: a cut-short or invalid zone leaves the served one as it was', async () => {
  scratch = await createScratchStore('sqlite');
  const catalog = await Catalog.open(await openStore(scratch.where), { pollMs: 0 });
  cleanups.push(() => { void catalog.close(); });
  const port = await fakePrimary();
  current = { serial: 1, records: [rec('www', RRType.A, '192.0.2.1'), rec('ns', RRType.A, '192.0.2.53')] };
  const secs = await Secondaries.start(catalog, { keys: async () => KeyRing.of([]) });
  cleanups.push(() => { void secs.close(); });
  await secs.add({ zone: 'sec.test', primaries: [`127.0.0.1:${port}`] });
  let s = await secs.retrieve('sec.test');
  assert.equal(s.serial, 1, JSON.stringify(s));

  current = { serial: 2, records: [rec('www', RRType.A, '192.0.2.2')], cut: true };
  s = await secs.retrieve('sec.test');
  assert.equal(s.serial, 1);
  assert.match(s.lastError ?? '', /closed the connection|without its closing SOA/);

  current = { serial: 3, records: [rec('www', RRType.A, '192.0.2.3'), rec('www', RRType.CNAME, 'elsewhere.example.')] };
  s = await secs.retrieve('sec.test');
  assert.equal(s.serial, 1);
  assert.match(s.lastError ?? '', /fails the checks/);
  const stored = await catalog.stored('sec.test');
  assert.deepEqual(stored.records.filter((r) => r.type === RRType.A && r.name === 'www.sec.test.').map((r) => r.content), ['192.0.2.1']);

  current = { serial: 4, records: [rec('www', RRType.A, '192.0.2.4')] };
  s = await secs.retrieve('sec.test');
  assert.equal(s.serial, 4);
  assert.equal(s.lastError, null);
  assert.equal(s.lastTransfer?.kind, 'AXFR');
});

test('removing a secondary whose primary does not answer returns at once and it stays removed', async () => {
  const catalog = await Catalog.open(await openStore(scratch!.where), { pollMs: 0 });
  cleanups.push(() => { void catalog.close(); });
  const silent = createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
  cleanups.push(() => silent.close());
  const secs = await Secondaries.start(catalog, { keys: async () => KeyRing.of([]), timeoutMs: 3000 });
  cleanups.push(() => { void secs.close(); });
  await secs.add({ zone: 'silent.test', primaries: [`127.0.0.1:${silent.address().port}`] });
  await new Promise((r) => setTimeout(r, 200)); // the refresh is waiting on the primary now
  const t0 = performance.now();
  await secs.remove('silent.test');
  assert.ok(performance.now() - t0 < 1000, `remove took ${(performance.now() - t0).toFixed(0)} ms`);
  await secs.sync();
  assert.equal(secs.has('silent.test'), false);
  await new Promise((r) => setTimeout(r, 3500)); // the abandoned refresh ends
  await secs.sync();
  assert.equal(secs.has('silent.test'), false);
  assert.deepEqual(secs.status().map((s) => s.zone).filter((z) => z === 'silent.test.'), []);
});
