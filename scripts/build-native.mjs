#!/usr/bin/env node
// Builds the optional C addon (src/native/binding.gyp -> src/native/build/Release/geodesic_native.node)
// with the node-gyp that npm bundles, against the Node headers on this machine (never downloads).
// A failed or impossible build NEVER fails the install: Geodesic then uses node:dgram.
// Usage: node scripts/build-native.mjs   (run by `npm install` via the "install" script)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'src', 'native');
const say = (msg) => console.log(`geodesic native: ${msg}`);
const skip = (why) => { say(`skipped (${why}); UDP will use node:dgram`); process.exit(0); };

function findNodeGyp() {
  const env = process.env.npm_config_node_gyp;
  if (env && existsSync(env)) return env;
  const tries = [];
  if (process.env.npm_execpath) tries.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const prefix = resolve(dirname(process.execPath), '..');
  tries.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  tries.push(join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return tries.find((p) => existsSync(p)) ?? null;
}

// Node headers: npm's configured nodedir, else the prefix this node runs from (/usr/include/node).
function findNodeDir() {
  const tries = [process.env.npm_config_nodedir, resolve(dirname(process.execPath), '..')].filter(Boolean);
  return tries.find((d) => existsSync(join(d, 'include', 'node', 'node_api.h'))) ?? null;
}

try {
  if (process.env.GEODESIC_SKIP_NATIVE) skip('GEODESIC_SKIP_NATIVE is set');
  if (process.platform !== 'linux') skip(`recvmmsg/sendmmsg need Linux, this is ${process.platform}`);
  if (!existsSync(join(dir, 'binding.gyp'))) skip('src/native/binding.gyp missing');
  const gyp = findNodeGyp();
  if (!gyp) skip('node-gyp not found (neither npm_config_node_gyp nor npm\'s bundled copy)');
  const nodedir = findNodeDir();
  if (!nodedir) skip('Node headers (include/node/node_api.h) not found; not downloading them');
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--directory', dir, '--loglevel=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 300_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.error || r.status !== 0) {
    if (out) console.log(out.split('\n').slice(-15).join('\n'));
    skip(`build failed: ${r.error?.message ?? `node-gyp exited ${r.status}`}`);
  }
  const built = join(dir, 'build', 'Release', 'geodesic_native.node');
  if (!existsSync(built)) skip(`build produced no ${built}`);
  say(`built ${built} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} catch (err) {
  skip(`unexpected error: ${err instanceof Error ? err.message : String(err)}`);
}
