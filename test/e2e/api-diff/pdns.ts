/**
 * PowerDNS 4.7 (Debian's pdns-server + pdns-backend-sqlite3) with its HTTP API on loopback, for the API
 * differential tests: a fresh gsqlite3 database, its own config and socket folder, no guardian, no daemon.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { freePort } from '../lib/free-port.js';
import { send } from './http.js';
import type { Target } from './http.js';

/** The key both servers are started with, so a step may name it in its own headers. */
export const API_KEY = 'apidiff-key';

export const PDNS_SERVER = '/usr/sbin/pdns_server';
const SCHEMAS = [
  '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql',
  '/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql',
];
const SCHEMA = SCHEMAS.find((p) => existsSync(p));

/** Why PowerDNS cannot run here (the tests skip), or undefined when it can. */
export const pdnsMissing: string | undefined = !existsSync(PDNS_SERVER) ? `${PDNS_SERVER} is not installed (Debian pdns-server)`
  : SCHEMA === undefined ? 'the gsqlite3 schema is missing (Debian pdns-backend-sqlite3)'
    : !existsSync('/usr/lib/x86_64-linux-gnu/pdns/libgsqlite3backend.so') ? 'Debian pdns-backend-sqlite3 is not installed' : undefined;

export interface ApiServer extends Target {
  /** The DNS port (UDP and TCP on 127.0.0.1). */
  dnsPort: number;
  /** What the server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface PdnsOptions {
  key?: string;
  /** Extra pdns.conf lines. */
  extraConfig?: string;
}

/** The settings every differential test runs PowerDNS with (what the seed's operators set). */
function pdnsConf(dir: string, dnsPort: number, apiPort: number, key: string, extra: string): string {
  return `launch=gsqlite3
gsqlite3-database=${join(dir, 'pdns.sqlite3')}
gsqlite3-dnssec=yes
local-address=127.0.0.1
local-port=${dnsPort}
api=yes
api-key=${key}
webserver=yes
webserver-address=127.0.0.1
webserver-port=${apiPort}
webserver-allow-from=127.0.0.0/8
only-notify=127.0.0.0/8,::1
socket-dir=${dir}
guardian=no
daemon=no
disable-syslog=yes
loglevel=4
${extra}
`;
}

/**
 * pdns_server's command line. PowerDNS resolves every NS name with getaddrinfo() when it sends NOTIFY (on
 * PUT /notify too), which asks the system's resolver: as root it runs in its own mount namespace where
 * /etc/resolv.conf names 127.0.0.1, so no query leaves the machine.
 */
function pdnsCommand(dir: string): [string, string[]] {
  const args = [`--config-dir=${dir}`];
  writeFileSync(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\n');
  const bind = `mount --bind ${join(dir, 'resolv.conf')} /etc/resolv.conf`;
  if (!ownResolver(bind)) return [PDNS_SERVER, args];
  return ['/usr/bin/unshare', ['-m', '/bin/sh', '-c', `${bind} && exec ${PDNS_SERVER} ${args.join(' ')}`]];
}

let canBind: boolean | undefined;
/** Whether a private mount namespace with its own resolv.conf can be had here (root, unshare, mount). */
function ownResolver(bind: string): boolean {
  canBind ??= process.getuid?.() === 0 && existsSync('/usr/bin/unshare')
    && spawnSync('/usr/bin/unshare', ['-m', '/bin/sh', '-c', bind], { timeout: 5000, stdio: 'ignore' }).status === 0;
  return canBind;
}

/** Starts pdns_server and waits (≤ 20 s) until GET /api/v1/servers answers 200. */
export async function startPdns(opts: PdnsOptions = {}): Promise<ApiServer> {
  if (pdnsMissing !== undefined) throw new Error(pdnsMissing);
  const dir = mkdtempSync(join(tmpdir(), 'apidiff-pdns-'));
  const db = new Database(join(dir, 'pdns.sqlite3'));
  db.exec(readFileSync(SCHEMA!, 'utf8'));
  db.close();
  const key = opts.key ?? API_KEY;
  const dnsPort = await freePort();
  const apiPort = await freePort();
  writeFileSync(join(dir, 'pdns.conf'), pdnsConf(dir, dnsPort, apiPort, key, opts.extraConfig ?? ''));
  const child = spawn(...pdnsCommand(dir), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
      const t = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 3000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const server: ApiServer = { name: 'pdns', base: `http://127.0.0.1:${apiPort}`, key, dnsPort, output: () => out, stop };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`pdns_server exited with ${child.exitCode ?? child.signalCode}:\n${out.slice(-3000)}`);
    }
    try {
      const r = await send(server, { method: 'GET', path: '/api/v1/servers' }, 1000);
      if (r.status === 200) return server;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`pdns_server's API did not answer in 20 s:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
