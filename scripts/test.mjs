#!/usr/bin/env node
// Runs the test suites with node's test runner and prints how long each took.
// Usage: node scripts/test.mjs [suite...]   (suites: lint, unit, e2e, ui; default: all)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const SUITES = {
  lint: { cmd: ['npm', 'run', '--silent', 'lint'] },
  unit: { dirs: ['src'], timeoutMs: 600_000 },
  e2e: { dirs: ['test/e2e'], timeoutMs: 900_000 },
  ui: { dirs: ['test/ui'], timeoutMs: 300_000 },
};

function findTests(dir, out = []) {
  let entries = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries) {
    const p = join(dir, e);
    if (e === 'node_modules' || e === 'ui') continue;
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (e.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SUITES);
let failed = false;
const times = [];
for (const name of wanted) {
  const suite = SUITES[name];
  if (!suite) { console.error(`unknown suite ${name}; known: ${Object.keys(SUITES).join(', ')}`); process.exit(2); }
  const t0 = Date.now();
  let status;
  if (suite.cmd) {
    status = spawnSync(suite.cmd[0], suite.cmd.slice(1), { stdio: 'inherit' }).status;
  } else {
    const files = suite.dirs.flatMap((d) => findTests(d));
    if (files.length === 0) { console.log(`suite ${name}: no test files`); continue; }
    status = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec',
      `--test-timeout=${suite.timeoutMs}`, '--test-concurrency=2', ...files],
      { stdio: 'inherit', timeout: suite.timeoutMs + 60_000 }).status;
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  times.push(`suite ${name}: ${status === 0 ? 'ok' : 'FAILED'} in ${secs} s`);
  console.log(times.at(-1));
  if (status !== 0) failed = true;
}
console.log(times.join('\n'));
process.exit(failed ? 1 : 0);
