/** Test helper (not exported): a dgram client that sends datagrams and collects replies, bounded in time. */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { nativeStatus } from './open-udp.js';

const status = nativeStatus();
/** The two UDP paths every endpoint test runs on (native skipped when the addon is missing). */
export const UDP_PATHS = [
  { name: 'native', fallback: false, skip: status.available ? false : `addon unavailable: ${status.reason}` },
  { name: 'dgram', fallback: true, skip: false },
] as const;

export interface TestClient {
  readonly port: number;
  send(data: Uint8Array): void;
  /** waits until `n` replies arrived in total, or `ms` passed; returns all replies so far */
  waitFor(n: number, ms: number): Promise<Buffer[]>;
  close(): Promise<void>;
}

export async function testClient(host: string, serverPort: number): Promise<TestClient> {
  const sock: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve) => sock.bind(0, host, resolve));
  const replies: Buffer[] = [];
  let wake: (() => void) | null = null;
  sock.on('message', (m) => { replies.push(m); wake?.(); });
  sock.on('error', () => undefined);
  return {
    port: sock.address().port,
    send: (data) => sock.send(data, serverPort, host),
    async waitFor(n, ms) {
      const deadline = Date.now() + ms;
      while (replies.length < n && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
          wake = () => { clearTimeout(t); resolve(); };
        });
        wake = null;
      }
      return replies;
    },
    close: () => new Promise<void>((resolve) => sock.close(() => resolve())),
  };
}

/** A 12-byte DNS-ish query with a 16-bit id and optional padding. */
export function query(id: number, extra = 0): Uint8Array {
  const q = new Uint8Array(12 + extra);
  q[0] = id >> 8;
  q[1] = id & 0xff;
  q[5] = 1;
  return q;
}

export const idOf = (m: Uint8Array): number => ((m[0] ?? 0) << 8) | (m[1] ?? 0);
