/** Test helpers (not exported): loopback clients, bulk patterns and hashes for the relay loop's tests. */
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';

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
