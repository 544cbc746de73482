import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerOpsCommands } from './ops-commands.js';

const dir = mkdtempSync(join(tmpdir(), 'geodesic-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const script = fileURLToPath(new URL('./main.ts', import.meta.url));

let said = '';

async function install(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  let out = '';
  registerOpsCommands(program, { out: (t) => { out += t; }, err: (t) => { said += t; } });
  await program.parseAsync(['install-service', '--unit-dir', dir, '--node', process.execPath, '--script', script, ...args], { from: 'user' });
  return out;
}

function verify(path: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('systemd-analyze', ['verify', '--man=no', path], { timeout: 20_000 }, (err, _out, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stderr });
    });
  });
}

test('install-service: the unit is hardened and systemd-analyze verify accepts it', async () => {
  const notes = await install();
  const path = join(dir, 'geodesic.service');
  assert.match(notes, /systemd-resolved/);
  assert.match(notes, /DNSStubListener=no/);
  const unit = readFileSync(path, 'utf8');
  for (const line of ['User=geodesic', 'AmbientCapabilities=CAP_NET_BIND_SERVICE', 'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
    'NoNewPrivileges=yes', 'ProtectSystem=strict', 'SystemCallFilter=@system-service', 'StateDirectory=geodesic',
    'ExecReload=/bin/kill -HUP $MAINPID']) {
    assert.ok(unit.includes(`\n${line}\n`), line);
  }
  assert.ok(unit.includes(`ExecStart=${process.execPath} ${script} serve --config /etc/geodesic/geodesic.yaml`));
  const v = await verify(path);
  assert.equal(v.stderr.trim(), '', v.stderr);
  assert.equal(v.code, 0);
});

test('install-service: the relay unit verifies too, and an existing unit is not replaced without --force', async () => {
  await install('--relay');
  const v = await verify(join(dir, 'geodesic-relay.service'));
  assert.equal(v.code, 0, v.stderr);
  assert.match(readFileSync(join(dir, 'geodesic-relay.service'), 'utf8'), / relay --config /);
  process.exitCode = 0;
  said = '';
  await install('--relay');
  assert.equal(process.exitCode, 1);
  process.exitCode = 0;
  assert.match(said, /exists \(pass --force/);
  await install('--relay', '--force');
  assert.equal(process.exitCode, 0);
});
