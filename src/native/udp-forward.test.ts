import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { addressRecord, ADDR_BYTES, nativeRelay, nativeRelayStatus, openUdp, RelayEvent } from './index.js';
import type { NativeUdpGroup, UdpBatch, UdpEndpoint } from './index.js';
import { testClient } from './test-client.js';
import type { TestClient } from './test-client.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const status = nativeRelayStatus();

/** A UDP echo server (what it got, in order); `prefix` goes before each echoed datagram. */
async function echoServer(prefix = ''): Promise<{ port: number; got: Buffer[]; sock: Socket }> {
  const sock = createSocket('udp4');
  const got: Buffer[] = [];
  sock.on('message', (m, r) => {
    got.push(m);
    sock.send(Buffer.concat([Buffer.from(prefix), m]), r.port, r.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { port: sock.address().port, got, sock };
}

interface Rig {
  ep: UdpEndpoint;
  group: NativeUdpGroup;
  /** datagrams that reached JavaScript: client port -> payloads */
  seen: Map<number, string[]>;
  /** session per client port, opened by the handler at the client's first datagram */
  ids: Map<number, number>;
  errors: { id: number; errno: number }[];
  close(): Promise<void>;
}

/** A listener whose handler opens a C session towards `upstream` for every new client (as UdpListener does). */
async function rig(upstream: number, opts: { slot?: number; head?: Uint8Array; host?: string } = {}): Promise<Rig> {
  const relay = nativeRelay()!;
  const seen = new Map<number, string[]>();
  const ids = new Map<number, number>();
  const errors: { id: number; errno: number }[] = [];
  const box: { group?: NativeUdpGroup } = {}; // the handler runs only once the group exists
  const ep = await openUdp({ host: opts.host ?? '127.0.0.1', port: 0, slot: opts.slot ?? 65536, batch: 16 }, (b: UdpBatch) => {
    for (let i = 0; i < b.count; i++) {
      const rec = b.addr.slice(i * ADDR_BYTES, (i + 1) * ADDR_BYTES);
      const port = (rec[2]! << 8) | rec[3]!;
      const msg = b.rx.subarray(i * b.slot, i * b.slot + b.rxLen[i]!);
      seen.set(port, [...(seen.get(port) ?? []), Buffer.from(msg).toString()]);
      let id = ids.get(port);
      if (id === undefined) {
        id = box.group!.open(addressRecord('127.0.0.1', upstream), rec, opts.head);
        ids.set(port, id);
      }
      box.group!.send(id, msg);
    }
  });
  const group = relay.udpGroup(ep, (kind, id, errno) => { if (kind === RelayEvent.udpError) errors.push({ id, errno }); });
  box.group = group;
  return {
    ep, group, seen, ids, errors,
    async close() {
      for (const id of ids.values()) group.close(id);
      group.dispose();
      await ep.close();
    },
  };
}

describe('UDP relay sessions forwarded in C', { skip: status.available ? false : `no native loop: ${status.reason}`, timeout: 30_000 }, () => {
  it('forwards a session\'s later datagrams without JavaScript, for many clients at once', async () => {
    const echo = await echoServer();
    const r = await rig(echo.port);
    const clients: TestClient[] = [];
    try {
      for (let k = 0; k < 40; k++) clients.push(await testClient('127.0.0.1', r.ep.port));
      for (const c of clients) c.send(Buffer.from('hello'));
      await Promise.all(clients.map((c) => c.waitFor(1, 3000)));
      let all: Buffer[][] = [];
      for (let n = 0; n < 25; n += 5) { // 200 datagrams in flight at most: no socket buffer overflows
        for (let k = n; k < n + 5; k++) for (const c of clients) c.send(Buffer.from(`m${k}`));
        all = await Promise.all(clients.map((c) => c.waitFor(n + 6, 5000)));
      }
      for (const [k, got] of all.entries()) {
        assert.equal(got.length, 26, `client ${k}: ${got.length} replies`);
        assert.deepEqual(got.map(String).sort(), ['hello', ...Array.from({ length: 25 }, (_, n) => `m${n}`)].sort());
      }
      for (const c of clients) assert.deepEqual(r.seen.get(c.port), ['hello'], 'only the first datagram reached JavaScript');
      const st = r.group.stats();
      assert.equal(st.sessions, 40);
      assert.equal(st.up, 40 * 25);
      assert.equal(st.down, 40 * 26);
      assert.equal(st.upDrops + st.downDrops, 0);
      assert.equal(r.ep.stats().forwarded, 40 * 25);
      const [id] = [...r.ids.values()];
      const state = r.group.state(id!);
      assert.ok(state);
      assert.equal(state[2], 10 * 2 + 15 * 3, 'bytes forwarded upstream by C (m0..m9: 2 bytes, m10..m24: 3)');
      assert.ok(state[1] < 2000);
    } finally {
      for (const c of clients) await c.close();
      await r.close();
      echo.sock.close();
    }
  });

  for (const host of ['127.0.0.1', '::1']) it(`gives a closed (expired) session's client back to JavaScript, and counts what C carried (${host})`, async () => {
    const echo = await echoServer();
    const r = await rig(echo.port, { host });
    const c = await testClient(host, r.ep.port);
    try {
      c.send(Buffer.from('one'));
      await c.waitFor(1, 2000);
      c.send(Buffer.from('two!'));
      await c.waitFor(2, 2000);
      const id = r.ids.get(c.port)!;
      assert.deepEqual(r.group.close(id), [4, 7], 'C forwarded "two!" up; both replies came back through C');
      assert.equal(r.group.state(id), undefined);
      assert.equal(r.group.close(id), undefined, 'a stale id is ignored');
      assert.equal(r.group.send(id, Buffer.from('x')), 3, 'ESRCH for a stale id');
      r.ids.delete(c.port);
      c.send(Buffer.from('three'));
      await c.waitFor(3, 2000);
      assert.deepEqual(r.seen.get(c.port), ['one', 'three'], 'the next datagram opened a new session from JavaScript');
      assert.equal(r.group.stats().sessions, 1);
    } finally {
      await c.close();
      await r.close();
      echo.sock.close();
    }
  });

  it('keeps finding sessions while its table grows past hundreds of clients and shrinks again', async () => {
    const echo = await echoServer();
    const r = await rig(echo.port);
    const clients: TestClient[] = [];
    try {
      for (let k = 0; k < 300; k++) clients.push(await testClient('127.0.0.1', r.ep.port));
      const round = async (n: number, tag: string): Promise<void> => {
        for (let k = 0; k < clients.length; k += 50) { // 50 in flight at a time
          const some = clients.slice(k, k + 50);
          for (const c of some) c.send(Buffer.from(tag));
          await Promise.all(some.map((c) => c.waitFor(n, 3000)));
        }
        for (const c of clients) assert.equal((await c.waitFor(n, 0)).length, n, `client ${c.port}`);
      };
      await round(1, 'first');
      assert.equal(r.group.stats().sessions, 300);
      await round(2, 'second');
      for (const c of clients) assert.deepEqual(r.seen.get(c.port), ['first']);
      for (const [k, c] of clients.entries()) { // close every other session (expiry)
        if (k % 2) continue;
        r.group.close(r.ids.get(c.port)!);
        r.ids.delete(c.port);
      }
      assert.equal(r.group.stats().sessions, 150);
      await round(3, 'third');
      for (const [k, c] of clients.entries()) assert.deepEqual(r.seen.get(c.port), k % 2 ? ['first'] : ['first', 'third']);
      assert.equal(r.group.stats().sessions, 300);
      assert.equal(r.group.stats().up, 300 + 150);
    } finally {
      for (const c of clients) await c.close();
      await r.close();
      echo.sock.close();
    }
  });

  it('reports an unreachable upstream once (ICMP port unreachable) and keeps serving other sessions', async () => {
    const probe = createSocket('udp4');
    await new Promise<void>((res) => probe.bind(0, '127.0.0.1', () => res()));
    const gone = probe.address().port;
    probe.close();
    const r = await rig(gone);
    const c = await testClient('127.0.0.1', r.ep.port);
    try {
      for (let n = 0; n < 10; n++) { c.send(Buffer.from(`x${n}`)); await sleep(20); }
      for (let t = 0; t < 50 && r.errors.length === 0; t++) await sleep(20);
      await sleep(100);
      assert.equal(r.errors.length, 1, 'one udpError event per session');
      assert.equal(r.errors[0]!.id, r.ids.get(c.port));
      assert.equal(r.errors[0]!.errno, 111, 'ECONNREFUSED');
      assert.deepEqual(r.seen.get(c.port), ['x0'], 'the later datagrams stayed in C');
    } finally {
      await c.close();
      await r.close();
    }
  });

  it('drops a datagram too big with its PROXY header, and one larger than the slot, without harm', async () => {
    const echo = await echoServer();
    const head = new Uint8Array(28).fill(0x0d);
    const r = await rig(echo.port, { head });
    const c = await testClient('127.0.0.1', r.ep.port);
    try {
      c.send(Buffer.from('first'));
      await c.waitFor(1, 2000);
      c.send(Buffer.alloc(65507, 0x61)); // the largest IPv4 datagram: with 28 more bytes, EMSGSIZE
      c.send(Buffer.alloc(0)); // empty datagrams are datagrams too
      c.send(Buffer.from('after'));
      const got = await c.waitFor(3, 2000);
      assert.deepEqual(got.map((m) => m.subarray(head.length).toString()), ['first', '', 'after']);
      assert.equal(r.group.stats().upDrops, 1);
      assert.equal(echo.got.length, 3);
    } finally {
      await c.close();
      await r.close();
    }
    const small = await rig(echo.port, { slot: 512 });
    const d = await testClient('127.0.0.1', small.ep.port);
    try {
      d.send(Buffer.from('a'));
      await d.waitFor(1, 2000);
      d.send(Buffer.alloc(2000, 0x62)); // larger than the slot: dropped before any session sees it
      d.send(Buffer.from('b'));
      const got = await d.waitFor(2, 2000);
      await sleep(100);
      assert.deepEqual(got.map(String), ['a', 'b']);
      assert.equal(small.ep.stats().droppedOversize, 1);
    } finally {
      await d.close();
      await small.close();
      echo.sock.close();
    }
  });

  it('refuses a group for a dgram endpoint, and stops forwarding once disposed', async () => {
    const dgram = await openUdp({ host: '127.0.0.1', port: 0, fallback: true }, () => undefined);
    try {
      assert.throws(() => nativeRelay()!.udpGroup(dgram, () => undefined), { code: 'EBADF' });
    } finally { await dgram.close(); }
    const echo = await echoServer();
    const r = await rig(echo.port);
    const c = await testClient('127.0.0.1', r.ep.port);
    try {
      c.send(Buffer.from('a'));
      await c.waitFor(1, 2000);
      r.group.dispose();
      r.group.dispose(); // twice is harmless
      assert.throws(() => r.group.open(addressRecord('127.0.0.1', echo.port), addressRecord('127.0.0.1', 9), undefined), { code: 'EBADF' });
      c.send(Buffer.from('b'));
      for (let t = 0; t < 50 && (r.seen.get(c.port)?.length ?? 0) < 2; t++) await sleep(20);
      assert.deepEqual(r.seen.get(c.port), ['a', 'b'], 'after dispose every datagram reaches JavaScript');
    } finally {
      await c.close();
      for (const id of r.ids.values()) r.group.close(id);
      r.ids.clear();
      await r.close();
      echo.sock.close();
    }
  });
});
