import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./dnspython-oracle.py', import.meta.url));

/** Runs the dnspython oracle once over a batch of requests (JSON in, JSON out). */
export function dnspython<T>(requests: readonly object[]): T[] {
  const out = execFileSync('/usr/bin/python3', [SCRIPT], { input: JSON.stringify(requests), timeout: 30_000, maxBuffer: 64 << 20 });
  return JSON.parse(out.toString()) as T[];
}

export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
export const unhex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
