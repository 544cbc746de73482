import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, startServe } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'geodesic-axfr-'));
const zones = join(dir, 'zones');
const SECRET = Buffer.from('a secret of thirty-two bytes....').toString('base64');
const records = Array.from({ length: 3000 }, (_, i) => `h${i} A 10.0.${i >> 8}.${i & 255}`).join('\n');

const servers: Served[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function setup(config: string): Promise<Served> {
  mkdirSync(zones, { recursive: true });
  writeFileSync(join(zones, 'xfr.test.zone'), `$ORIGIN xfr.test.\n$TTL 300\n@ SOA ns hm 5 3600 600 86400 60\n@ NS ns\nns A 192.0.2.1\n${records}\n`);
  const file = join(dir, `config-${servers.length}.yaml`);
  writeFileSync(file, config);
  const s = await startServe(['--config', file, '--pid-file', join(dir, `${servers.length}.pid`)]);
  servers.push(s);
  return s;
}

test('AXFR of a big zone over several messages, signed with TSIG, verified by dig', async () => {
  const s = await setup(`listen: [127.0.0.1:0]
zones: { directory: zones }
keys: [{ name: xfr-key, algorithm: hmac-sha256, secret: ${SECRET} }]
transfer: { allow: [127.0.0.0/8], tsig-key: xfr-key }
`);
  const ok = await run('dig', ['@127.0.0.1', '-p', String(s.port), '+time=3', '+tries=1', '-y', `hmac-sha256:xfr-key:${SECRET}`, 'xfr.test', 'AXFR']);
  const rrs = ok.stdout.split('\n').filter((l) => /^\S+\s+\d+\s+IN\s/.test(l));
  assert.equal(rrs.length, 3000 + 4, ok.stdout.slice(-500));
  assert.match(rrs[0]!, /\sSOA\s/);
  assert.match(rrs.at(-1)!, /\sSOA\s/);
  assert.match(ok.stdout, /XFR size: 3004 records \(messages [2-9]/);
  assert.doesNotMatch(ok.stdout, /tsig verify failure|Transfer failed/i);

  const unsigned = await run('dig', ['@127.0.0.1', '-p', String(s.port), '+time=3', '+tries=1', 'xfr.test', 'AXFR']);
  assert.match(unsigned.stdout, /Transfer failed/);
  const wrongKey = Buffer.from('another secret, also 32 bytes...').toString('base64');
  const bad = await run('dig', ['@127.0.0.1', '-p', String(s.port), '+time=3', '+tries=1', '-y', `hmac-sha256:xfr-key:${wrongKey}`, 'xfr.test', 'AXFR']);
  assert.doesNotMatch(bad.stdout, /XFR size/);
});

test('AXFR from a client outside the ACL is refused', async () => {
  const s = await setup(`listen: [127.0.0.1:0]\nzones: { directory: zones }\ntransfer: { allow: [192.0.2.0/24] }\n`);
  const r = await run('dig', ['@127.0.0.1', '-p', String(s.port), '+time=3', '+tries=1', 'xfr.test', 'AXFR']);
  assert.match(r.stdout, /Transfer failed/);
  const k = await run('kdig', ['@127.0.0.1', '-p', String(s.port), '+time=3', '+retry=0', 'xfr.test', 'AXFR']);
  assert.match(k.stdout + k.stderr, /REFUSED/);
});
