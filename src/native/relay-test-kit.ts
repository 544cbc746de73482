/** Test helper (not exported): a relay on loopback that hands each accepted socket and its upstream to the pump. */
import { createHash } from 'node:crypto';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { startSplicePump } from './splice-pump.js';
import type { SplicePump, SplicePumpOptions, SpliceResult } from './splice-pump.js';

export interface Rig {
  readonly port: number;
  readonly pumps: (SplicePump | null)[];
  readonly results: SpliceResult[];
  /** resolves once n pumps have ended, rejects after ms */
  ended(n: number, ms: number): Promise<SpliceResult[]>;
  close(): Promise<void>;
}

function listen(s: Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
}

/** backend(socket) serves each upstream connection; connectDelayMs lets client bytes pile up in Node first. */
export async function rig(backend: (s: Socket) => void, opts: SplicePumpOptions = {}, connectDelayMs = 0): Promise<Rig> {
  const open = new Set<Socket>(); // destroyed by close() (those not handed to a pump)
  const track = (s: Socket): void => { open.add(s); s.once('close', () => open.delete(s)); };
  const back = createServer({ allowHalfOpen: true }, (s) => { track(s); backend(s); });
  const backPort = await listen(back);
  const pumps: (SplicePump | null)[] = [];
  const results: SpliceResult[] = [];
  let wake: (() => void) | undefined;
  const front = createServer({ allowHalfOpen: true }, (c) => {
    c.on('error', () => undefined);
    track(c);
    setTimeout(() => {
      const up = connect({ port: backPort, host: '127.0.0.1', allowHalfOpen: true }, () => {
        pumps.push(startSplicePump(c, up, opts, (r) => { results.push(r); wake?.(); }));
      });
      up.on('error', () => undefined);
      track(up);
    }, connectDelayMs);
  });
  const port = await listen(front);
  return {
    port, pumps, results,
    ended(n, ms) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${results.length}/${n} pumps ended after ${ms} ms`)), ms);
        const check = (): void => { if (results.length >= n) { clearTimeout(t); resolve(results); } };
        wake = check;
        check();
      });
    },
    async close() {
      for (const s of open) s.destroy();
      await Promise.all([front, back].map((s) => new Promise((r) => s.close(r))));
    },
  };
}

export function client(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Everything a socket receives until its FIN (or close), with a deadline. */
export function readAll(s: Socket, ms: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const t = setTimeout(() => reject(new Error(`no FIN within ${ms} ms (${parts.length} chunks)`)), ms);
    s.on('data', (d: Buffer) => parts.push(d));
    const fin = (): void => { clearTimeout(t); resolve(Buffer.concat(parts)); };
    s.once('end', fin);
    s.once('close', fin);
  });
}

/** Deterministic bytes that differ per offset (so reordering or loss changes the hash). */
export function pattern(size: number, seed: number): Buffer {
  const b = Buffer.alloc((size + 3) & ~3);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < b.length; i += 4) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    b.writeUInt32LE(x, i);
  }
  return b.subarray(0, size);
}

export const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export function closed(s: Socket, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (s.destroyed) return resolve();
    const t = setTimeout(() => reject(new Error(`socket not closed within ${ms} ms`)), ms);
    s.once('close', () => { clearTimeout(t); resolve(); });
  });
}
