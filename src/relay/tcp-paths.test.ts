import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo, Server } from 'node:net';
import { nativeRelay, nativeRelayStatus } from '../native/index.js';
import type { ConnectionEvent } from './channels.js';
import { relayOptionsFromConfig } from './relay-config.js';
import { RelayServer } from './relay-server.js';

/** Sends `payload` (or 'hi' and waits), returns how many bytes came back before the relay's FIN. */
function exchange(port: number, payload: Buffer | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no FIN from the relay within 5 s')), 5000);
    const c = connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => {
      if (payload) c.end(payload); else c.write('hi');
    });
    let n = 0;
    c.on('data', (d: Buffer) => { n += d.length; });
    c.on('end', () => { clearTimeout(t); c.end(); resolve(n); });
    c.on('error', reject);
  });
}

// The same relay run on the native loop (when the addon has it) and on node:net: access-log bytes,
// the PROXY header kept out of bytesUp, idle timeout.
const modes = [
  { name: 'native loop', env: undefined, skip: nativeRelayStatus().available ? false : `no native loop: ${nativeRelayStatus().reason}` },
  { name: 'node:net', env: '0', skip: false },
] as const;

for (const mode of modes) {
  describe(`relay TCP path (${mode.name})`, { skip: mode.skip, timeout: 20_000 }, () => {
    const events: ConnectionEvent[] = [];
    const onEvent = (e: unknown): void => void events.push(e as ConnectionEvent);
    let back: Server;
    let relay: RelayServer;
    let port = 0;
    const saved = process.env['GEODESIC_NATIVE_RELAY'];
    before(async () => {
      if (mode.env === undefined) delete process.env['GEODESIC_NATIVE_RELAY']; else process.env['GEODESIC_NATIVE_RELAY'] = mode.env;
      subscribe('gdns:relay:connection', onEvent);
      back = createServer({ allowHalfOpen: true }, (s) => { s.on('error', () => undefined); s.pipe(s); });
      await new Promise<void>((r) => back.listen(0, '127.0.0.1', r));
      const bp = (back.address() as AddressInfo).port;
      relay = new RelayServer(relayOptionsFromConfig({
        listeners: [{ name: 'l', listen: '127.0.0.1:0', default: 'd', idle_timeout: '300ms' }],
        pools: { d: { servers: [`127.0.0.1:${bp}`], proxy_protocol: 'v1' } },
      }));
      await relay.start();
      port = relay.ports()['l'] ?? 0;
    });
    after(async () => {
      await relay.close({ drainTimeoutMs: 0 });
      await new Promise((r) => back.close(r));
      unsubscribe('gdns:relay:connection', onEvent);
      if (saved === undefined) delete process.env['GEODESIC_NATIVE_RELAY']; else process.env['GEODESIC_NATIVE_RELAY'] = saved;
    });
    const lastEvent = async (): Promise<ConnectionEvent | undefined> => {
      for (let i = 0; i < 50 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      return events.shift();
    };

    it('counts client bytes up and upstream bytes down (the PROXY header is not client bytes)', async () => {
      const payload = Buffer.alloc(1 << 20, 7);
      const back = await exchange(port, payload);
      const e = await lastEvent();
      const header = back - payload.length; // the echo backend sent the PROXY v1 line back too
      assert.ok(header > 20 && header < 108, `PROXY header of ${header} bytes`);
      assert.deepEqual([e?.end, e?.bytesUp, e?.bytesDown, e?.client], ['closed', payload.length, back, '127.0.0.1']);
      if (mode.env === undefined) assert.ok((nativeRelay()?.info().sparePipes ?? 0) >= 1, 'no bulk bytes went through splice(2)');
    });

    it('closes an idle connection after idle_timeout', async () => {
      const t0 = Date.now();
      await exchange(port, null);
      const e = await lastEvent();
      assert.equal(e?.end, 'idle-timeout');
      assert.equal(e?.bytesUp, 2);
      assert.ok(Date.now() - t0 >= 290);
      if (mode.env === undefined) assert.equal(nativeRelay()?.info().connections, 0);
    });
  });
}

// A child process without the addon: the relay runs on node:net and carries the bytes.
const CHILD = `
import { nativeRelayStatus } from ${JSON.stringify(new URL('../native/index.ts', import.meta.url).pathname)};
import { RelayServer, relayOptionsFromConfig } from ${JSON.stringify(new URL('./index.ts', import.meta.url).pathname)};
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const back = createServer({ allowHalfOpen: true }, (s) => s.pipe(s));
await new Promise((r) => back.listen(0, '127.0.0.1', r));
const relay = new RelayServer(relayOptionsFromConfig({
  listeners: [{ name: 'l', listen: '127.0.0.1:0', default: 'd' }],
  pools: { d: { servers: ['127.0.0.1:' + back.address().port] } },
}));
await relay.start();
const echoed = await new Promise((resolve) => {
  const t = setTimeout(() => resolve(null), 3000);
  const s = connect(relay.ports().l, '127.0.0.1', () => s.end('through node:net'));
  let got = '';
  s.on('data', (d) => { got += d; });
  s.on('end', () => { clearTimeout(t); resolve(got); });
});
await relay.close({ drainTimeoutMs: 0 });
back.close();
console.log(JSON.stringify({ status: nativeRelayStatus(), echoed }));
process.exit(0);
`;

describe('relay without the addon', { timeout: 30_000 }, () => {
  it('runs on node:net when the addon is not built', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gdns-relay-'));
    try {
      const file = join(dir, 'child.mts');
      writeFileSync(file, CHILD);
      const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
        encoding: 'utf8', timeout: 20_000, env: { ...process.env, GEODESIC_NATIVE_PATH: '/nonexistent/geodesic_native.node' },
      });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { status: { available: boolean; reason: string }; echoed: string };
      assert.equal(out.status.available, false);
      assert.match(out.status.reason, /not found/);
      assert.equal(out.echoed, 'through node:net');
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
