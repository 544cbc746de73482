import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.js';
import { knotConfig, nsdConfig, pdnsConfig, pdnsNamedConf } from './peer-configs.js';
import { startServer } from './server-process.js';
import type { RunningServer } from './server-process.js';

const REPO = resolve(import.meta.dirname, '../../..');

/** Starts NSD (`nsd -d`) on the zones in zoneDir; its config and state live in workDir. */
export async function startNsd(workDir: string, zoneDir: string, zones: string[], hosts: string[]): Promise<RunningServer> {
  const dir = join(workDir, 'nsd');
  mkdirSync(dir, { recursive: true });
  const port = await freePort(hosts);
  const conf = join(dir, 'nsd.conf');
  writeFileSync(conf, nsdConfig(dir, zoneDir, hosts, port, zones));
  return startServer({ name: 'nsd', command: 'nsd', args: ['-d', '-c', conf], hosts, port, zones });
}

/** Starts Knot (`knotd -c`) on the zones in zoneDir; its config, rundir and database live in workDir. */
export async function startKnot(workDir: string, zoneDir: string, zones: string[], hosts: string[]): Promise<RunningServer> {
  const dir = join(workDir, 'knot');
  mkdirSync(join(dir, 'db'), { recursive: true });
  const port = await freePort(hosts);
  const conf = join(dir, 'knot.conf');
  writeFileSync(conf, knotConfig(dir, zoneDir, hosts, port, zones));
  return startServer({ name: 'knot', command: 'knotd', args: ['-c', conf], hosts, port, zones });
}

/** Starts PowerDNS (`pdns_server`, bind backend) on the zones in zoneDir; its config lives in workDir. */
export async function startPdns(workDir: string, zoneDir: string, zones: string[], hosts: string[]): Promise<RunningServer> {
  const dir = join(workDir, 'pdns');
  mkdirSync(dir, { recursive: true });
  const port = await freePort(hosts);
  writeFileSync(join(dir, 'pdns.conf'), pdnsConfig(dir, hosts, port));
  writeFileSync(join(dir, 'named.conf'), pdnsNamedConf(zones.map((z) => [z, join(zoneDir, `${z}.zone`)])));
  return startServer({ name: 'pdns', command: 'pdns_server', args: [`--config-dir=${dir}`], hosts, port, zones });
}

/** Starts `geodesic serve --zones zoneDir` from the source tree (via tsx), RRL off, AXFR allowed to loopback. */
export async function startGeodesic(workDir: string, zoneDir: string, zones: string[], hosts: string[]): Promise<RunningServer> {
  const dir = join(workDir, 'geodesic');
  mkdirSync(dir, { recursive: true });
  const port = await freePort(hosts);
  const args = ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'serve', '--zones', zoneDir,
    ...hosts.flatMap((h) => ['--listen', h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`]), '--no-rrl', '--pid-file', join(dir, 'geodesic.pid'),
    '--axfr-allow', '127.0.0.1', '--log-level', 'warn'];
  return startServer({ name: 'geodesic', command: process.execPath, args, hosts, port, zones, cwd: REPO,
    readyTimeoutMs: 30_000 });
}
