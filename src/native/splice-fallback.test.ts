import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A child process without the addon: startSplicePump must decline (null) and leave the sockets
// working, so the caller's JS pipe carries the bytes.
const CHILD = `
import { spliceStatus, startSplicePump } from ${JSON.stringify(new URL('./index.ts', import.meta.url).pathname)};
import { connect, createServer } from 'node:net';
const listen = (s) => new Promise((r) => s.listen(0, '127.0.0.1', () => r(s.address().port)));
const back = createServer({ allowHalfOpen: true }, (s) => s.pipe(s));
const backPort = await listen(back);
let pump = 'unset';
const front = createServer({ allowHalfOpen: true }, (c) => {
  const up = connect(backPort, '127.0.0.1', () => {
    pump = startSplicePump(c, up, {}, () => undefined);
    if (pump === null) { c.pipe(up); up.pipe(c); }
  });
});
const port = await listen(front);
const echoed = await new Promise((resolve) => {
  const t = setTimeout(() => resolve(null), 3000);
  const s = connect(port, '127.0.0.1', () => s.end('through js'));
  let got = '';
  s.on('data', (d) => { got += d; });
  s.on('end', () => { clearTimeout(t); resolve(got); });
});
front.close(); back.close();
console.log(JSON.stringify({ status: spliceStatus(), pump, echoed }));
process.exit(0);
`;

describe('splice pump fallback', { timeout: 30_000 }, () => {
  it('declines when the addon is not built, and the JS pipe carries the bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gdns-splice-'));
    try {
      const file = join(dir, 'child.mts');
      writeFileSync(file, CHILD);
      const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
        encoding: 'utf8', timeout: 15_000, env: { ...process.env, GEODESIC_NATIVE_PATH: '/nonexistent/geodesic_native.node' },
      });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { status: { available: boolean; reason: string }; pump: unknown; echoed: string };
      assert.equal(out.status.available, false);
      assert.match(out.status.reason, /not found/);
      assert.equal(out.pump, null);
      assert.equal(out.echoed, 'through js');
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
