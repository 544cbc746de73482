import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerZoneCommands, zoneCheckCommand } from './zone-check.js';
import { zonePrintCommand } from './zone-print.js';

const DIR = fileURLToPath(new URL('../../test/fixtures/zones/', import.meta.url));
function io(): { out: string[]; err: string[]; io: { out: (s: string) => void; err: (s: string) => void } } {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { out: (s) => { out.push(s); }, err: (s) => { err.push(s); } } };
}

test('zone check: OK and exit 0 for a valid zone, warnings shown', () => {
  const c = io();
  assert.equal(zoneCheckCommand(join(DIR, 'ttl-mismatch.valid.zone'), { origin: 'example.com' }, c.io), 0);
  const text = c.out.join('');
  assert.match(text, /warning: .*TTL 600 differs/);
  assert.match(text, /zone example\.com\.: loaded serial 1 .*\nOK\n$/);
});

test('zone check: errors and exit 1; syntax errors carry file:line:column', () => {
  let c = io();
  assert.equal(zoneCheckCommand(join(DIR, 'glue-missing.invalid.zone'), { origin: 'example.com.' }, c.io), 1);
  assert.match(c.out.join(''), /error: .*REQUIRED GLUE[\s\S]*not loaded due to errors/);
  c = io();
  assert.equal(zoneCheckCommand(join(DIR, 'bad-rdata.invalid.zone'), { origin: 'example.com.' }, c.io), 1);
  assert.match(c.out.join(''), /bad-rdata\.invalid\.zone:4:13: error: A address/);
  c = io();
  assert.equal(zoneCheckCommand(join(DIR, 'nope.zone'), {}, c.io), 2);
  assert.match(c.err.join(''), /ENOENT/);
});

test('zone print: canonical text; origin from the file name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gdns-print-'));
  const file = join(dir, 'example.org.zone');
  writeFileSync(file, '$TTL 60\n@ SOA ns hm 3 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nB A 192.0.2.2\n');
  const c = io();
  assert.equal(zonePrintCommand(file, {}, c.io), 0);
  assert.equal(c.out.join(''), '$ORIGIN example.org.\n' +
    'example.org.\t60\tIN\tSOA\tns.example.org. hm.example.org. 3 2 3 4 5\n' +
    'example.org.\t60\tIN\tNS\tns.example.org.\n' +
    'b.example.org.\t60\tIN\tA\t192.0.2.2\n' +
    'ns.example.org.\t60\tIN\tA\t192.0.2.1\n');
  const bad = io();
  assert.equal(zonePrintCommand(join(DIR, 'no-ns.invalid.zone'), { origin: 'example.com' }, bad.io), 1);
  assert.equal(bad.out.length, 0);
  assert.match(bad.err.join(''), /no NS/);
});

test('registerZoneCommands adds zone check and zone print', () => {
  const program = new Command();
  registerZoneCommands(program);
  const zone = program.commands.find((c) => c.name() === 'zone')!;
  assert.deepEqual(zone.commands.map((c) => c.name()), ['check', 'print']);
});
