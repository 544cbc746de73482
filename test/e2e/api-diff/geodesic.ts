/**
 * Geodesic's side of the API differential tests: `geodesic serve --data DIR --api-listen 127.0.0.1:0
 * --api-key K` from source (tsx), the API port learned from its `api-listening` log line.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliArgs } from '../lib/serve-process.js';
import { freePort } from '../lib/free-port.js';
import { API_KEY } from './pdns.js';
import type { ApiServer } from './pdns.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

/** A Geodesic API already running (e.g. under a debugger): `APIDIFF_GEODESIC=http://127.0.0.1:PORT`. */
const RUNNING = process.env['APIDIFF_GEODESIC'];

/** Why Geodesic's serve cannot offer the API yet (tests are then marked todo), or undefined. */
export const geodesicApiMissing: string | undefined = ((): string | undefined => {
  if (RUNNING) return undefined;
  try {
    return /api-listen|addApiOptions/.test(readFileSync(join(ROOT, 'src/cli/serve-command.ts'), 'utf8')) ? undefined : 'waiting for api';
  } catch { return 'waiting for api'; }
})();

export interface GeodesicOptions {
  key?: string;
  /** More `geodesic serve` arguments. */
  args?: string[];
  /** Use this data folder (kept) instead of a fresh one (removed on stop). */
  dataDir?: string;
  /** Zones in this PostgreSQL or MariaDB database (`--db URL`) instead of SQLite in the data folder. */
  db?: string;
}

/** Starts `geodesic serve` with the API on 127.0.0.1 and waits (≤ 60 s) for its `api-listening` line. */
export async function startGeodesic(opts: GeodesicOptions = {}): Promise<ApiServer> {
  if (RUNNING) return { name: 'geodesic', base: RUNNING, key: opts.key ?? API_KEY, dnsPort: 0, output: () => '', stop: async () => undefined };
  const dir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'apidiff-geodesic-'));
  const key = opts.key ?? API_KEY;
  const dnsPort = await freePort();
  const store = opts.db !== undefined ? ['--db', opts.db] : ['--data', dir];
  const args = ['serve', ...store, '--listen', `127.0.0.1:${dnsPort}`, '--api-listen', '127.0.0.1:0',
    '--api-key', key, '--pid-file', join(dir, 'geodesic.pid'), '--no-rrl', ...(opts.args ?? [])];
  const child = spawn(process.execPath, cliArgs(args), { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const onExit = (): void => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } };
  process.once('exit', onExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) {
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
      const t = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(t);
    }
    if (opts.dataDir === undefined) rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = /"event":"api-listening"[^\n]*?"port":(\d+)/.exec(out);
    if (m) return { name: 'geodesic', base: `http://127.0.0.1:${m[1]}`, key, dnsPort, output: () => out, stop };
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`geodesic serve ${child.exitCode !== null ? `exited with ${child.exitCode}` : 'did not offer its API in 60 s'}:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
