import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where `serve` writes its process ID and `reload` looks for it, unless told otherwise. */
export function defaultPidFile(): string {
  return join(process.env.XDG_RUNTIME_DIR ?? tmpdir(), 'geodesic.pid');
}

export function readPid(path: string): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`no running server found: cannot read ${path} (start one with "geodesic serve", or pass --pid-file)`);
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${path} does not hold a process ID`);
  return pid;
}
