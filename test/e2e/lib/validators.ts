// unbound and delv around a Geodesic under test: a validating resolver with trust anchors (DS lines) and
// stub zones pointing at Geodesic, and delv with one DS as its trust anchor.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './serve-process.js';
import { freePort } from './free-port.js';

export function installed(cmd: string): boolean {
  return (spawnSync(cmd, ['-h'], { stdio: 'ignore', timeout: 5000 }).error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT';
}

export interface Unbound { port: number; log(): string; stop(): Promise<void> }

/**
 * Starts unbound on 127.0.0.1 (a free port) validating with `anchors`, asking Geodesic (port) for
 * `zones`. `ecs`: the subnetcache module forwards clients' ECS options (geo answers per network).
 * `cacheMaxTtl` bounds what it caches (rollover tests: 1 s so it refetches after each clock step).
 */
export async function startUnbound(dir: string, geodesicPort: number, zones: string[], anchors: string[], opts: { ecs?: boolean; cacheMaxTtl?: number } = {}): Promise<Unbound> {
  const port = await freePort();
  const stubs = zones.map((z) => `stub-zone:\n  name: "${z}"\n  stub-addr: 127.0.0.1@${geodesicPort}\n`).join('');
  const file = join(dir, `unbound-${port}.conf`);
  writeFileSync(file, `server:
  interface: 127.0.0.1
  port: ${port}
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "${dir}"
  pidfile: ""
  use-syslog: no
  logfile: ""
  verbosity: 1
  val-log-level: 2
  do-ip6: no
  num-threads: 1
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  local-zone: "test." nodefault
  qname-minimisation: no
${opts.cacheMaxTtl !== undefined ? `  cache-max-ttl: ${opts.cacheMaxTtl}\n  cache-max-negative-ttl: ${opts.cacheMaxTtl}\n  key-cache-slabs: 1\n` : ''}${opts.ecs ? `  module-config: "subnetcache validator iterator"
  send-client-subnet: 127.0.0.1
  client-subnet-always-forward: yes
  max-client-subnet-ipv4: 24
` : '  module-config: "validator iterator"\n'}${anchors.map((a) => `  trust-anchor: "${a}"\n`).join('')}${stubs}`);
  const proc: ChildProcess = spawn('unbound', ['-d', '-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
  proc.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null) return;
    const done = new Promise((ok) => proc.once('exit', ok));
    proc.kill('SIGTERM');
    await Promise.race([done, new Promise((ok) => setTimeout(ok, 3000))]);
    if (proc.exitCode === null) proc.kill('SIGKILL');
  };
  for (let i = 0; i < 50; i++) {
    const r = await run('dig', ['@127.0.0.1', '-p', String(port), '+time=1', '+tries=1', zones[0]!, 'SOA'], 3000);
    if (/status: /.test(r.stdout)) return { port, log: () => log, stop };
    await new Promise((ok) => setTimeout(ok, 100));
  }
  await stop();
  throw new Error(`unbound did not start:\n${log}`);
}

export interface Resolved { status: string; ad: boolean; answer: string[]; text: string }

/** A query through unbound: rcode, AD, answer records without RRSIGs ("owner. IN TYPE rdata"). */
export async function resolveVia(port: number, name: string, type: string, ...extra: string[]): Promise<Resolved> {
  const r = await run('dig', ['@127.0.0.1', '-p', String(port), '+time=3', '+tries=1', '+dnssec', '+nomultiline', ...extra, name, type], 8000);
  const status = /status: (\w+)/.exec(r.stdout)?.[1] ?? `no answer: ${r.stdout}${r.stderr}`;
  const flags = /;; flags: ([a-z ]+);/.exec(r.stdout)?.[1]?.split(' ') ?? [];
  const sec = /;; ANSWER SECTION:\n([\s\S]*?)\n\n/.exec(r.stdout)?.[1] ?? '';
  const answer = sec.split('\n').filter((l) => l && !/\sRRSIG\s/.test(l)).map((l) => l.split(/\s+/).filter((_x, i) => i !== 1).join(' '));
  return { status, ad: flags.includes('ad'), answer, text: r.stdout };
}

/** delv straight to Geodesic over TCP with one DS ("zone. DS tag alg digesttype hex") as trust anchor. */
export async function delvVia(dir: string, geodesicPort: number, ds: string, name: string, type: string): Promise<string> {
  const a = ds.split(/\s+/);
  const zone = a[0]!;
  const i = a.indexOf('DS');
  const file = join(dir, `delv-${zone}conf`);
  writeFileSync(file, `trust-anchors { ${zone} static-ds ${a[i + 1]} ${a[i + 2]} ${a[i + 3]} "${a.slice(i + 4).join('')}"; };\n`);
  const r = await run('delv', ['@127.0.0.1', '-p', String(geodesicPort), '-a', file, `+root=${zone.replace(/\.$/, '')}`, '+tcp', name, type], 10_000);
  return r.stdout + r.stderr;
}
