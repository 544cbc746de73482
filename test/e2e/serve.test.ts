import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { spawn } from 'node:child_process';
import { cliArgs, dig, run, startServe } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'geodesic-serve-'));
const zoneFile = join(dir, 'example.test.zone');
const zone = (serial: number, www: string): string => `$ORIGIN example.test.
$TTL 300
@ SOA ns1 hostmaster ${serial} 3600 600 86400 60
@ NS ns1
ns1 A 192.0.2.1
www A ${www}
${Array.from({ length: 50 }, (_, i) => `big TXT "record number ${i} of a large RRset that does not fit in 512 bytes"`).join('\n')}
`;
writeFileSync(zoneFile, zone(1, '192.0.2.10'));
const pidFile = join(dir, 'geodesic.pid');

let server: Served;
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('serve answers over UDP and TCP', async () => {
  server = await startServe(['--zones', dir, '--listen', '127.0.0.1:0', '--axfr-allow', '127.0.0.1', '--pid-file', pidFile, '--no-rrl']);
  assert.match(await dig(server.port, '+short', 'www.example.test', 'A'), /^192\.0\.2\.10$/m);
  assert.match(await dig(server.port, '+short', '+tcp', 'www.example.test', 'A'), /^192\.0\.2\.10$/m);
  const refused = await dig(server.port, 'example.org', 'A');
  assert.match(refused, /status: REFUSED/);
});

test('serve answers over IPv6', async () => {
  const v6 = await startServe(['--zones', dir, '--listen', '[::1]:0', '--pid-file', join(dir, 'v6.pid')]);
  try {
    for (const tcp of ['+notcp', '+tcp']) {
      const r = await run('dig', ['@::1', '-p', String(v6.port), '+time=2', '+tries=1', '+short', tcp, 'www.example.test', 'A']);
      assert.match(r.stdout, /^192\.0\.2\.10$/m);
    }
  } finally {
    await v6.stop();
  }
});

test('an answer too big for UDP is truncated and complete over TCP (dig retries)', async () => {
  const udp = await dig(server.port, '+noedns', '+ignore', 'big.example.test', 'TXT');
  assert.match(udp, /flags: qr aa tc/);
  const tcp = await dig(server.port, '+noedns', 'big.example.test', 'TXT');
  assert.match(tcp, /ANSWER: 50,/);
});

test('AXFR to an allowed client: SOA first and last', async () => {
  const out = await dig(server.port, '+noall', '+answer', 'example.test', 'AXFR');
  const lines = out.trim().split('\n').filter((l) => l.trim() !== '');
  assert.match(lines[0]!, /\sSOA\s/);
  assert.match(lines.at(-1)!, /\sSOA\s/);
  assert.equal(lines.length, 2 + 1 + 1 + 1 + 50);
});

test('SIGHUP reload swaps the zone without dropping a query; a broken file keeps the old version', async () => {
  // Closed-loop clients (8 queries outstanding), so a busy machine cannot overflow socket buffers: any
  // query without an answer within 2 s was dropped by the server.
  const sock = createSocket('udp4');
  await new Promise<void>((ok) => sock.bind(0, '127.0.0.1', ok));
  const waiting = new Map<number, () => void>();
  sock.on('message', (m: Buffer) => { waiting.get(m.readUInt16BE(0))?.(); });
  const q = Buffer.from('0000010000010000000000000377777707' + Buffer.from('example').toString('hex') + '047465737400' + '00010001', 'hex');
  let sent = 0;
  let answered = 0;
  let running = true;
  const loop = async (lane: number): Promise<void> => {
    for (let i = 0; running; i++) {
      const id = lane * 4096 + (i % 4096);
      const msg = Buffer.from(q);
      msg.writeUInt16BE(id, 0);
      sent++;
      const ok = await new Promise<boolean>((done) => {
        const t = setTimeout(() => { waiting.delete(id); done(false); }, 2000);
        waiting.set(id, () => { clearTimeout(t); waiting.delete(id); done(true); });
        sock.send(msg, server.port, '127.0.0.1');
      });
      if (ok) answered++;
    }
  };
  const lanes = Array.from({ length: 8 }, (_, i) => loop(i));
  try {
    await new Promise((ok) => setTimeout(ok, 200));
    writeFileSync(zoneFile, zone(2, '192.0.2.20'));
    const r = await run(process.execPath, cliArgs(['reload', '--pid-file', pidFile]), 60_000);
    assert.equal(r.code, 0, r.stderr);
    await waitFor(async () => /192\.0\.2\.20/.test(await dig(server.port, '+short', 'www.example.test', 'A')));
  } finally {
    // Whatever failed above, the query loops end, so the test file ends.
    running = false;
    await Promise.all(lanes);
    sock.close();
  }
  assert.ok(sent > 100, `only ${sent} queries sent`);
  assert.equal(answered, sent, 'every query sent during the reload was answered');

  writeFileSync(zoneFile, zone(3, '192.0.2.30') + 'oops A not-an-address\n');
  server.proc.kill('SIGHUP');
  await waitFor(() => Promise.resolve(/zone-load-failed/.test(server.log())));
  assert.match(server.log(), /example\.test\.zone:\d+/);
  assert.match(await dig(server.port, '+short', 'www.example.test', 'A'), /^192\.0\.2\.20$/m);
});

test('a TCP connection that stalls inside a message is closed within about a second', async () => {
  const t0 = Date.now();
  await new Promise<void>((resolve, reject) => {
    const s = connect(server.port, '127.0.0.1', () => s.write(Buffer.from([0, 40, 1, 2])));
    s.on('close', () => resolve());
    s.on('error', () => resolve());
    setTimeout(() => { s.destroy(); reject(new Error('not closed after 3 s')); }, 3000);
  });
  const took = Date.now() - t0;
  assert.ok(took >= 800 && took < 2500, `closed after ${took} ms`);
});

test('a port in use: exit status 1 and a message naming the port', async () => {
  const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
    const p = spawn(process.execPath, cliArgs(['serve', '--zones', dir, '--listen', `127.0.0.1:${server.port}`, '--pid-file', join(dir, 'x.pid')]));
    let err = '';
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const k = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('exit', (code) => { clearTimeout(k); resolve({ code, err }); });
  });
  assert.equal(r.code, 1);
  assert.match(r.err, new RegExp(`127\\.0\\.0\\.1:${server.port}.*in use`));
});

async function waitFor(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error('condition not met in time');
}
