/**
 * Loads the C addon once (build/Release/geodesic_native.node beside this folder's source, found
 * from src/native under tsx and from dist/native once compiled) and remembers why it could not.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface UdpStats {
  /** handler calls; rxPackets / batches = mean batch size */
  batches: number;
  rxPackets: number;
  txPackets: number;
  droppedOversize: number;
  sendErrors: number;
  recvErrors: number;
  /** datagrams handed to a relay session in C instead of the handler (native, relay listeners only) */
  forwarded?: number;
}

/** The addon's surface (src/native/c/addon.c). */
export interface NativeAddon {
  open(family: 4 | 6, host: string, port: number, slot: number, batch: number, maxBatches: number,
    rx: ArrayBuffer, rxLen: ArrayBuffer, addr: ArrayBuffer, tx: ArrayBuffer, txLen: ArrayBuffer,
    onBatch: (count: number) => void, resource: object, cache?: object): object;
  port(handle: object): number;
  fd(handle: object): number;
  stats(handle: object): UdpStats;
  close(handle: object, onClosed: () => void): void;
  sendTo(handle: object, data: Uint8Array, addr: Uint8Array): boolean;
  cacheCreate(slots: number, maxAnswer: number): object;
  cachePut(cache: object, query: Uint8Array, answer: Uint8Array, rrlToken: number): number;
  cacheClear(cache: object): void;
  cacheStats(cache: object): { entries: number; hits: number; misses: number; puts: number; tapDropped: number };
  cacheTap(cache: object, bytes: number): void;
  cacheTapTake(cache: object, out: Uint8Array): number;
  cacheRrl(cache: object, keys: ArrayBuffer, balance: ArrayBuffer, stamp: ArrayBuffer, limited: ArrayBuffer, counts: ArrayBuffer,
    rate: number, slip: number, ipv4Prefix: number, ipv6Prefix: number, exempt: Uint8Array): void;
  /* relay*: the TCP relay loop, typed in relay-loop.ts */
}

const FILE = 'geodesic_native.node';

function candidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const env = process.env['GEODESIC_NATIVE_PATH']; // only this file when set (tests, packagers)
  if (env) return [env];
  const out = [join(here, 'build', 'Release', FILE)]; // src/native (tsx)
  // compiled copies (dist/native, bench/relay/.build/src/native): the source tree's build above them
  for (let dir = dirname(dirname(here)); dirname(dir) !== dir; dir = dirname(dir)) {
    out.push(join(dir, 'src', 'native', 'build', 'Release', FILE));
  }
  return out;
}

let loaded: { addon: NativeAddon | null; reason: string | null } | undefined;

export function loadAddon(): { addon: NativeAddon | null; reason: string | null } {
  if (loaded) return loaded;
  if (process.platform !== 'linux') {
    loaded = { addon: null, reason: `native UDP needs Linux (recvmmsg); platform is ${process.platform}` };
    return loaded;
  }
  const found = candidates().find((p) => existsSync(p));
  if (!found) {
    const where = process.env['GEODESIC_NATIVE_PATH'] ?? `${candidates()[0]} (or a src/native/build above it)`;
    loaded = { addon: null, reason: `${where} not found (build: node scripts/build-native.mjs)` };
    return loaded;
  }
  try {
    const addon = createRequire(import.meta.url)(found) as NativeAddon;
    loaded = { addon, reason: null };
  } catch (err) {
    loaded = { addon: null, reason: `${found} failed to load: ${(err as Error).message}` };
  }
  return loaded;
}
