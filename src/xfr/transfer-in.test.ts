import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { RRType, decodeMessage, nameFromText, rdataFromText, tokenize, tsigSign } from '../wire/index.js';
import type { TsigKey } from '../wire/index.js';
import { fetchTransfer } from './transfer-in.js';
import { packTransfer } from './transfer-writer.js';
import type { Rec } from './transfer-writer.js';
import { nodeHmac, tsigKey } from './tsig-keys.js';
import { XfrError } from './errors.js';

const origin = nameFromText('in.test.');
const rd = (type: number, text: string): Uint8Array => rdataFromText(type, tokenize(text), origin);
const soa = (serial: number): Rec => [origin, RRType.SOA, 60, rd(RRType.SOA, `ns.in.test. h.in.test. ${serial} 1 1 1 1`)];
const a = (name: string, ip: string): Rec => [nameFromText(`${name}.in.test.`), RRType.A, 60, rd(RRType.A, ip)];
const servers: Server[] = [];
after(() => { for (const s of servers) s.close(); });

/** A fake primary: answers every request with the messages `respond` makes (then keeps the connection open). */
async function fake(respond: (query: Uint8Array) => Uint8Array[]): Promise<number> {
  const server = createServer((sock: Socket) => {
    let buf = Buffer.alloc(0);
    sock.on('error', () => undefined);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
      const q = new Uint8Array(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      for (const m of respond(q)) {
        const f = Buffer.alloc(m.length + 2);
        f.writeUInt16BE(m.length);
        f.set(m, 2);
        sock.write(f);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

const messages = (q: Uint8Array, recs: Rec[], size = 512): Uint8Array[] => {
  const m = decodeMessage(q);
  return [...packTransfer({ id: m.id, qname: m.questions[0]!.name, qtype: m.questions[0]!.type, qclass: 1 }, origin, recs, size)];
};
const opts = { maxRecords: 1000, maxBytes: 1 << 20, idleMs: 1000, totalMs: 5000 };
const zoneRecs = (serial: number, n: number): Rec[] => [soa(serial), ...Array.from({ length: n }, (_, i) => a(`h${i}`, `10.0.0.${i % 250}`)), soa(serial)];

test('AXFR over several messages is returned whole', async () => {
  const port = await fake((q) => messages(q, zoneRecs(5, 100)));
  const t = await fetchTransfer({ host: '127.0.0.1', port }, origin, opts);
  assert.equal(t.kind, 'full');
  if (t.kind === 'full') {
    assert.equal(t.serial, 5);
    assert.equal(t.records.length, 101);
    assert.ok(t.messages > 1);
  }
});

test('a transfer cut short (no closing SOA), over the size cap, or from the wrong zone is an error', async () => {
  const cut = await fake((q) => messages(q, zoneRecs(5, 100).slice(0, -1)));
  await assert.rejects(fetchTransfer({ host: '127.0.0.1', port: cut }, origin, { ...opts, idleMs: 300 }), (e: XfrError) => e.code === 'GDNS_ERR_XFR_TIMEOUT');
  const closes = await fake((q) => { setTimeout(() => servers.at(-1)!.close(), 0); return messages(q, zoneRecs(5, 10).slice(0, -1)); });
  await assert.rejects(fetchTransfer({ host: '127.0.0.1', port: closes }, origin, { ...opts, idleMs: 300 }), XfrError);
  const big = await fake((q) => messages(q, zoneRecs(5, 2000)));
  await assert.rejects(fetchTransfer({ host: '127.0.0.1', port: big }, origin, opts), (e: XfrError) => e.code === 'GDNS_ERR_XFR_TOO_BIG' && /1000 records/.test(e.message));
  const other = await fake((q) => messages(q, [[nameFromText('other.test.'), RRType.SOA, 60, soa(1)[3]], soa(1)]));
  await assert.rejects(fetchTransfer({ host: '127.0.0.1', port: other }, origin, opts), (e: XfrError) => e.code === 'GDNS_ERR_XFR_MALFORMED');
});

test('IXFR: steps parsed; a lone SOA means current; AXFR-style answer accepted', async () => {
  const steps: Rec[] = [soa(7), soa(5), a('old', '10.1.1.1'), soa(6), a('new', '10.2.2.2'), soa(6), soa(7), a('newer', '10.3.3.3'), soa(7)];
  const inc = await fake((q) => messages(q, steps));
  const current = { name: origin, type: RRType.SOA, class: 1, ttl: 60, rdata: soa(5)[3] };
  const t = await fetchTransfer({ host: '127.0.0.1', port: inc }, origin, { ...opts, currentSoa: current });
  assert.equal(t.kind, 'incremental');
  if (t.kind === 'incremental') {
    assert.deepEqual(t.steps.map((s) => [s.from, s.to, s.removed.length, s.added.length]), [[5, 6, 1, 1], [6, 7, 0, 1]]);
  }
  const same = await fake((q) => messages(q, [soa(5)]));
  assert.deepEqual(await fetchTransfer({ host: '127.0.0.1', port: same }, origin, { ...opts, currentSoa: current }), { kind: 'current', serial: 5 });
  const whole = await fake((q) => messages(q, zoneRecs(9, 3)));
  assert.equal((await fetchTransfer({ host: '127.0.0.1', port: whole }, origin, { ...opts, currentSoa: current })).kind, 'full');
});

test('TSIG: every answer message must verify with the key', async () => {
  const key: TsigKey = tsigKey({ name: 'k', algorithm: 'hmac-sha256', secret: Buffer.from('0123456789abcdef0123456789abcdef').toString('base64') });
  const signAll = (q: Uint8Array, k: TsigKey, breakAt = -1): Uint8Array[] => {
    const req = decodeMessage(q);
    assert.ok(req.tsig !== null, 'the request is signed');
    // The request MAC: what the client signed (last TSIG rdata MAC field); recompute by verifying.
    const reqMac = macOf(q);
    let mac: Uint8Array = reqMac;
    return messages(q, zoneRecs(3, 60)).map((m, i) => {
      const s = tsigSign(m, k, nodeHmac, { requestMac: mac, timersOnly: i > 0 });
      mac = s.mac;
      return i === breakAt ? s.message.map((b, j) => (j === 20 ? b ^ 1 : b)) : s.message;
    });
  };
  const good = await fake((q) => signAll(q, key));
  assert.equal((await fetchTransfer({ host: '127.0.0.1', port: good }, origin, { ...opts, key })).kind, 'full');
  const tampered = await fake((q) => signAll(q, key, 2));
  await assert.rejects(fetchTransfer({ host: '127.0.0.1', port: tampered }, origin, { ...opts, key }), (e: XfrError) => e.code === 'GDNS_ERR_XFR_TSIG');
  const unsigned = await fake((q) => messages(q, zoneRecs(3, 5)));
  await assert.rejects(fetchTransfer({ host: '127.0.0.1', port: unsigned }, origin, { ...opts, key }), (e: XfrError) => e.code === 'GDNS_ERR_XFR_TSIG');
});

/** The MAC field of the TSIG record ending a message. */
function macOf(msg: Uint8Array): Uint8Array {
  const m = decodeMessage(msg);
  const rd = m.tsig!.rdata;
  let p = 0;
  while (rd[p] !== 0) p += rd[p]! + 1;
  p += 1 + 6 + 2;
  const len = (rd[p]! << 8) | rd[p + 1]!;
  return rd.slice(p + 2, p + 2 + len);
}

