import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliArgs, run, startServe } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';

// `geodesic dnssec enable` then `geodesic serve --dnssec-keys`: the zone is signed in memory at load, and
// delv (a real validator) validates its answers with the DS as trust anchor.
const dir = mkdtempSync(join(tmpdir(), 'geodesic-serve-dnssec-'));
const keys = join(dir, 'keys');
let server: Served;
let ds = '';

before(async () => {
  mkdirSync(join(dir, 'zones'));
  writeFileSync(join(dir, 'zones', 'signed.test.zone'), `$TTL 300
@ SOA ns hm 1 3600 600 86400 60
@ NS ns
ns A 192.0.2.1
www A 192.0.2.80
*.wild TXT "wild"
`);
  const r = await run(process.execPath, cliArgs(['dnssec', 'enable', 'signed.test', '--keys', keys]), 30_000);
  assert.equal(r.code, 0, r.stderr);
  ds = (r.stdout.match(/^signed\.test\.\s+\d*\s*IN\s+DS\s+.*$/m) ?? [''])[0];
  server = await startServe(['--zones', join(dir, 'zones'), '--listen', '127.0.0.1:0', '--dnssec-keys', keys, '--pid-file', join(dir, 'pid')]);
});
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('answers carry signatures and validate with delv', { skip: !existsSync('/usr/bin/delv') }, async () => {
  assert.match(ds, /IN\s+DS\s+\d+ 13 2 [0-9A-F]+/i, 'enable printed the DS');
  const [, tag, alg, digestType, digest] = /DS\s+(\d+) (\d+) (\d+) (\S+)/.exec(ds)!;
  const anchors = join(dir, 'anchors.conf');
  writeFileSync(anchors, `trust-anchors { signed.test. initial-ds ${tag} ${alg} ${digestType} "${digest}"; };\n`);
  const delv = (name: string, type: string): Promise<{ stdout: string; stderr: string }> =>
    run('delv', ['@127.0.0.1', '-p', String(server.port), '-a', anchors, '+root=signed.test', name, type], 20_000);
  const pos = await delv('www.signed.test', 'A');
  assert.match(pos.stdout + pos.stderr, /; fully validated/, pos.stdout + pos.stderr);
  const nx = await delv('nothing.signed.test', 'A');
  assert.match(nx.stdout + nx.stderr, /negative response, fully validated/, nx.stdout + nx.stderr);
  const wild = await delv('x.wild.signed.test', 'TXT');
  assert.match(wild.stdout + wild.stderr, /; fully validated/, wild.stdout + wild.stderr);
});

test('dig +dnssec shows RRSIGs; without DO none', async () => {
  const withDo = await run('dig', ['@127.0.0.1', '-p', String(server.port), '+dnssec', '+noall', '+answer', 'www.signed.test', 'A']);
  assert.match(withDo.stdout, /\sRRSIG\s+A 13 3 300/);
  const without = await run('dig', ['@127.0.0.1', '-p', String(server.port), '+noall', '+answer', 'www.signed.test', 'A']);
  assert.doesNotMatch(without.stdout, /RRSIG/);
});
