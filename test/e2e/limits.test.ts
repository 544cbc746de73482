import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { startServe } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'geodesic-limits-'));
let server: Served;

before(async () => {
  mkdirSync(join(dir, 'zones'));
  writeFileSync(join(dir, 'zones', 'limits.test.zone'), '$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nwww A 192.0.2.2\n');
  writeFileSync(join(dir, 'geodesic.yaml'), `listen: [127.0.0.1:0]
zones: { directory: zones }
rrl: { rate: 10, slip: 2, exempt: [] }
tcp: { max-connections-per-client: 3, idle-timeout: 2s }
`);
  server = await startServe(['--config', join(dir, 'geodesic.yaml'), '--pid-file', join(dir, 'pid')]);
});
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const QUERY = Buffer.from('0000010000010000000000000377777706' + Buffer.from('limits').toString('hex') + '047465737400' + '00010001', 'hex');

test('response rate limiting: past the rate, every second limited answer is truncated, the others dropped', async () => {
  const sock = createSocket('udp4');
  const replies: Buffer[] = [];
  sock.on('message', (m: Buffer) => replies.push(m));
  await new Promise<void>((ok) => sock.bind(0, '127.0.0.1', ok));
  for (let i = 0; i < 60; i++) {
    const q = Buffer.from(QUERY);
    q.writeUInt16BE(i, 0);
    sock.send(q, server.port, '127.0.0.1');
    await new Promise((ok) => setTimeout(ok, 2));
  }
  await new Promise((ok) => setTimeout(ok, 500));
  sock.close();
  const full = replies.filter((r) => (r[2]! & 0x02) === 0);
  const truncated = replies.filter((r) => (r[2]! & 0x02) !== 0);
  assert.ok(full.length >= 10 && full.length <= 14, `${full.length} full answers (rate 10/s)`);
  assert.ok(truncated.length >= 20 && truncated.length <= 26, `${truncated.length} truncated answers (slip 2)`);
  for (const t of truncated) assert.equal(t.readUInt16BE(6), 0, 'a slipped answer has no records');
  assert.ok(replies.length < 60, 'some answers were dropped');
});

test('TCP: a client gets at most max-connections-per-client connections; idle ones close', async () => {
  const sockets: Socket[] = [];
  const closed: boolean[] = [];
  for (let i = 0; i < 5; i++) {
    const s = connect(server.port, '127.0.0.1');
    const idx = i;
    closed[idx] = false;
    s.on('close', () => { closed[idx] = true; });
    s.on('error', () => undefined);
    sockets.push(s);
    await new Promise((ok) => s.once('connect', ok));
    await new Promise((ok) => setTimeout(ok, 50));
  }
  await new Promise((ok) => setTimeout(ok, 300));
  assert.deepEqual(closed, [false, false, false, true, true]);
  const t0 = Date.now();
  await new Promise<void>((ok) => { const check = setInterval(() => { if (closed.every(Boolean)) { clearInterval(check); ok(); } }, 50); });
  const idle = Date.now() - t0;
  assert.ok(idle > 1000 && idle < 4000, `idle connections closed after ${idle} ms (idle-timeout 2s)`);
  for (const s of sockets) s.destroy();
});
