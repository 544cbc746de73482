import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * One full garbage collection, run once after the zones are loaded at start-up: loading a big zone leaves
 * hundreds of megabytes of parse garbage that V8 would otherwise keep mapped for a long time (RSS). Costs
 * a few hundred milliseconds once; skipped for small loads.
 */
export function compactHeap(records: number): void {
  if (records < 100_000) return;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
}
