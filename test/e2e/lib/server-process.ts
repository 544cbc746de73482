import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { waitForZone } from './dns-probe.js';

/** A DNS server started for a test: its name, where it listens, and how to stop it. */
export interface RunningServer {
  readonly name: string;
  /** The first address it listens on (IPv4 loopback). */
  readonly host: string;
  /** Every address it listens on. */
  readonly hosts: readonly string[];
  readonly port: number;
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** False once the process has exited. */
  running(): boolean;
  /** Stops the server's whole process group (SIGTERM, then SIGKILL after 2 s). */
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  hosts: string[];
  port: number;
  /** Zones that must answer NOERROR to SOA before the server counts as started. */
  zones: string[];
  cwd?: string;
  readyTimeoutMs?: number;
}

/** Process groups still running; killed when this process exits, however the test ends. */
const live = new Set<number>();
process.once('exit', () => {
  for (const pid of live) { try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ } }
});

/** Spawns a server in its own process group and waits until every zone answers. */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const child = spawn(opts.command, opts.args, { cwd: opts.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const pid = child.pid;
  if (pid !== undefined) live.add(pid);
  const exited = new Promise<void>((resolve) => child.once('exit', () => { if (pid !== undefined) live.delete(pid); resolve(); }));
  const server: RunningServer = {
    name: opts.name, host: opts.hosts[0] ?? '127.0.0.1', hosts: opts.hosts, port: opts.port,
    output: () => out,
    running: () => child.exitCode === null && child.signalCode === null,
    stop: () => stopGroup(child, exited),
  };
  let alive = true;
  const died = exited.then(() => {
    alive = false;
    throw new Error(`exited with ${child.exitCode ?? child.signalCode}`);
  });
  void died.catch(() => undefined);
  try {
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 15_000);
    const wait = (host: string, zone: string): Promise<void> =>
      waitForZone(host, opts.port, zone, Math.max(100, deadline - Date.now()), () => alive);
    for (const zone of opts.zones) await Promise.race([died, wait(server.host, zone)]);
    for (const host of opts.hosts.slice(1)) await Promise.race([died, wait(host, opts.zones[0] ?? '.')]);
  } catch (err) {
    await server.stop();
    throw new Error(`${opts.name} did not start (${(err as Error).message}); output:\n${out.slice(-3000)}`);
  }
  return server;
}

async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const signal = (sig: NodeJS.Signals): void => { try { process.kill(-pid, sig); } catch { /* already gone */ } };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}
