import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreLocation } from '../open-store.js';

/** A scratch SQLite store: a temporary folder. */
export function sqliteScratch(name: string): Promise<{ where: StoreLocation; drop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  return Promise.resolve({ where: { data: dir }, drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) });
}
