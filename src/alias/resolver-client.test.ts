import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Flag, RRType, Rcode, ROOT, decodeMessage, encodeMessage, nameFromText, nameToText, rdataFromText, tokenize,
} from '../wire/index.js';
import type { Message, Rr } from '../wire/index.js';
import { parseResolver, stubLookup, systemResolvers } from './index.js';
import type { AliasError } from './index.js';

const rr = (name: string, type: number, ttl: number, text: string): Rr =>
  ({ name: nameFromText(name), type, class: 1, ttl, rdata: rdataFromText(type, tokenize(text), ROOT) });

/** What the fake resolver answers per question name: rcode, answers, authority, truncated over UDP. */
type Reply = { rcode?: number; answers?: Rr[]; authority?: Rr[]; tc?: boolean; silent?: boolean; ra?: boolean };
const replies: Record<string, Reply> = {
  'plain.test.': { answers: [rr('plain.test.', RRType.A, 300, '192.0.2.1'), rr('plain.test.', RRType.A, 200, '192.0.2.2')] },
  'chain.test.': {
    answers: [rr('chain.test.', RRType.CNAME, 50, 'mid.test.'), rr('mid.test.', RRType.CNAME, 400, 'end.test.'),
      rr('end.test.', RRType.A, 300, '192.0.2.3'), rr('other.test.', RRType.A, 300, '192.0.2.99')],
  },
  'nodata.test.': { authority: [rr('test.', RRType.SOA, 3600, 'ns. host. 1 2 3 4 90')] },
  'gone.test.': { rcode: Rcode.NXDOMAIN },
  'fail.test.': { rcode: Rcode.SERVFAIL },
  'big.test.': { tc: true, answers: [rr('big.test.', RRType.A, 300, '192.0.2.4')] },
  'slow.test.': { silent: true },
  'referral.test.': { authority: [rr('test.', RRType.NS, 3600, 'ns.test.')], ra: false },
};

function respond(q: Message, tcp: boolean): Uint8Array | null {
  const name = nameToText(q.questions[0]!.name);
  const r = replies[name] ?? { rcode: Rcode.REFUSED };
  if (r.silent === true) return null;
  const tc = r.tc === true && !tcp;
  return encodeMessage({
    id: q.id, flags: Flag.QR | Flag.RD | (r.ra === false ? 0 : Flag.RA) | (tc ? Flag.TC : 0), opcode: 0,
    rcode: r.rcode ?? 0, questions: q.questions, answers: tc ? [] : r.answers ?? [], authority: r.authority ?? [],
    additional: [], edns: null, tsig: null,
  });
}

let udp: Socket;
function onQuery(buf: Buffer, from: { port: number; address: string }): void {
  const out = respond(decodeMessage(new Uint8Array(buf)), false);
  if (out !== null) udp.send(out, from.port, from.address);
}
let tcp: Server;
let port = 0;
let failing: Socket;
let failPort = 0;
before(async () => {
  udp = createSocket('udp4');
  udp.on('message', onQuery);
  // TCP on the UDP port's number; another program may hold it: then another port.
  for (let attempt = 0; ; attempt++) {
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    port = udp.address().port;
    tcp = createServer((s) => {
      s.on('data', (d) => {
        const out = respond(decodeMessage(new Uint8Array(d.subarray(2))), true);
        if (out !== null) s.end(Buffer.concat([Buffer.from([out.length >> 8, out.length & 255]), out]));
      });
    });
    const ok = await new Promise<boolean>((r) => {
      tcp.once('error', () => r(false));
      tcp.listen(port, '127.0.0.1', () => r(true));
    });
    if (ok) break;
    if (attempt === 10) throw new Error('no port free for UDP and TCP');
    udp.close();
    udp = createSocket('udp4');
    udp.on('message', onQuery);
  }
  // A resolver that answers SERVFAIL to everything.
  failing = createSocket('udp4');
  failing.on('message', (buf, from) => {
    const q = decodeMessage(new Uint8Array(buf));
    failing.send(encodeMessage({ ...q, flags: Flag.QR | Flag.RA, rcode: Rcode.SERVFAIL, edns: null }), from.port, from.address);
  });
  await new Promise<void>((r) => failing.bind(0, '127.0.0.1', r));
  failPort = failing.address().port;
});
after(() => { udp.close(); tcp.close(); failing.close(); });

const ask = (name: string, type = RRType.A, timeoutMs = 500) =>
  stubLookup([{ host: '127.0.0.1', port }], { timeoutMs, rounds: 1 })(nameFromText(name), type);
const ips = (r: { rdata: Uint8Array[] }): string[] => r.rdata.map((b) => b.join('.')).sort();

test('addresses with the smallest TTL of the RRset', async () => {
  const r = await ask('plain.test.');
  assert.deepEqual(ips(r), ['192.0.2.1', '192.0.2.2']);
  assert.equal(r.ttl, 200);
});

test('a CNAME chain is followed; the TTL is the smallest along it; unrelated records are ignored', async () => {
  const r = await ask('chain.test.');
  assert.deepEqual(ips(r), ['192.0.2.3']);
  assert.equal(r.ttl, 50);
});

test('NODATA: no addresses, the negative TTL from the SOA', async () => {
  assert.deepEqual(await ask('nodata.test.'), { rdata: [], ttl: 90 });
});

test('NXDOMAIN, SERVFAIL, no answer and a referral are errors that say what happened', async () => {
  await assert.rejects(ask('gone.test.'), (e: AliasError) => e.code === 'GDNS_ERR_ALIAS_RCODE' && /NXDOMAIN/.test(e.message));
  await assert.rejects(ask('fail.test.'), /SERVFAIL/);
  await assert.rejects(ask('slow.test.', RRType.A, 200), (e: AliasError) => e.code === 'GDNS_ERR_ALIAS_TIMEOUT');
  await assert.rejects(ask('referral.test.'), /recursive resolver/);
});

test('a truncated answer is asked again over TCP', async () => {
  assert.deepEqual(ips(await ask('big.test.')), ['192.0.2.4']);
});

test('a resolver that fails makes way for the next', async () => {
  const lookup = stubLookup([{ host: '127.0.0.1', port: failPort }, { host: '127.0.0.1', port }], { timeoutMs: 500 });
  assert.deepEqual(ips(await lookup(nameFromText('plain.test.'), RRType.A)), ['192.0.2.1', '192.0.2.2']);
});

test('resolver addresses: ADDR, ADDR:PORT, [V6]:PORT; anything else is a clear error', () => {
  assert.deepEqual(parseResolver('192.0.2.1'), { host: '192.0.2.1', port: 53 });
  assert.deepEqual(parseResolver('127.0.0.1:5353'), { host: '127.0.0.1', port: 5353 });
  assert.deepEqual(parseResolver('[::1]:5300'), { host: '::1', port: 5300 });
  assert.deepEqual(parseResolver('2001:db8::1'), { host: '2001:db8::1', port: 53 });
  assert.throws(() => parseResolver('resolver.example:53'), /not ADDRESS\[:PORT\]/);
  assert.throws(() => parseResolver('127.0.0.1:99999'), /not ADDRESS/);
});

test('the system resolvers come from resolv.conf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gdns-alias-'));
  try {
    const f = join(dir, 'resolv.conf');
    writeFileSync(f, '# comment\nsearch example\nnameserver 10.0.0.1\nnameserver fe80::1%eth0\noptions edns0\n');
    assert.deepEqual(systemResolvers(f), [{ host: '10.0.0.1', port: 53 }, { host: 'fe80::1', port: 53 }]);
    writeFileSync(f, 'search example\n');
    assert.deepEqual(systemResolvers(f), [{ host: '127.0.0.1', port: 53 }]);
    assert.deepEqual(systemResolvers(join(dir, 'missing')), [{ host: '127.0.0.1', port: 53 }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
