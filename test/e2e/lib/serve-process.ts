import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the CLI from source (tsx), so the e2e tests need no build step. */
export function cliArgs(args: string[]): string[] {
  return ['--import', 'tsx', `${ROOT}src/cli/main.ts`, ...args];
}

export interface Served {
  proc: ChildProcess;
  port: number;
  /** Everything the server wrote on standard error so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts `geodesic serve` with `args` and waits (≤ 60 s: a loaded CI machine is slow) until it says where it listens. */
export function startServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const proc = spawn(process.execPath, cliArgs(['serve', ...args]), {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`serve did not start in 60 s:\n${err}`)); }, 60_000);
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /"event":"listening"[^\n]*"port":(\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({
          proc, port: Number(m[1]), log: () => err,
          stop: () => new Promise<void>((done) => {
            if (proc.exitCode !== null) return done();
            const k = setTimeout(() => proc.kill('SIGKILL'), 5000);
            proc.once('exit', () => { clearTimeout(k); done(); });
            proc.kill('SIGTERM');
          }),
        });
      }
    });
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code}:\n${err}`)); });
  });
}

/** Runs a command (dig, kdig) with a time bound; resolves with its standard output. */
export function run(cmd: string, args: string[], timeoutMs = 10_000): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as NodeJS.ErrnoException).code === 'number' ? Number((error as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ stdout, stderr, code });
    });
  });
}

/** `dig +short`-style answer lines for a query to 127.0.0.1:port. */
export async function dig(port: number, ...query: string[]): Promise<string> {
  const r = await run('dig', ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', ...query]);
  return r.stdout;
}
