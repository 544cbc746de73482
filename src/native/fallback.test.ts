import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A child process where the addon is missing or broken: openUdp must fall back to dgram by itself.
const CHILD = `
import { nativeStatus, openUdp } from ${JSON.stringify(new URL('./index.ts', import.meta.url).pathname)};
import { createSocket } from 'node:dgram';
const ep = await openUdp({ host: '127.0.0.1', port: 0 }, (b) => { b.tx[0] = 0x2a; b.txLen[0] = 1; });
const c = createSocket('udp4');
const reply = await new Promise((resolve) => {
  const t = setTimeout(() => resolve(null), 2000);
  c.once('message', (m) => { clearTimeout(t); resolve(m[0]); });
  c.send(new Uint8Array(12), ep.port, '127.0.0.1');
});
c.close(); await ep.close();
console.log(JSON.stringify({ status: nativeStatus(), native: ep.native, reply }));
`;

function runChild(nativePath: string): { status: { available: boolean; reason: string }; native: boolean; reply: number } {
  const dir = mkdtempSync(join(tmpdir(), 'gdns-native-'));
  try {
    const file = join(dir, 'child.mts');
    writeFileSync(file, CHILD);
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
      encoding: 'utf8', timeout: 15_000, env: { ...process.env, GEODESIC_NATIVE_PATH: nativePath },
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}');
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

describe('automatic fallback to node:dgram', { timeout: 40_000 }, () => {
  it('when the addon is not built', () => {
    const out = runChild('/nonexistent/geodesic_native.node');
    assert.equal(out.status.available, false);
    assert.match(out.status.reason, /not found/);
    assert.equal(out.native, false);
    assert.equal(out.reply, 0x2a);
  });

  it('when the addon fails to load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gdns-native-bad-'));
    try {
      const bad = join(dir, 'geodesic_native.node');
      writeFileSync(bad, 'not a shared object');
      const out = runChild(bad);
      assert.equal(out.status.available, false);
      assert.match(out.status.reason, /failed to load/);
      assert.equal(out.native, false);
      assert.equal(out.reply, 0x2a);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
