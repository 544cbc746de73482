/** What openUdp returns, on either path. */
import type { UdpStats } from './addon.js';

export type { UdpStats };

export interface UdpEndpoint {
  /** true when the recvmmsg/sendmmsg addon serves this socket, false on the node:dgram fallback */
  readonly native: boolean;
  readonly address: string;
  /** the bound port (the real one when 0 was asked) */
  readonly port: number;
  /** the socket's descriptor on the native path (the relay's UDP sessions reply through it), else -1 */
  readonly fd: number;
  /** counters since open: packets in/out, oversized datagrams dropped, send/recv errors */
  stats(): UdpStats;
  /**
   * Sends one datagram now to the address in a 20-byte record (the batch `addr` layout, e.g.
   * `batch.addr.subarray(i * ADDR_BYTES, (i + 1) * ADDR_BYTES)` or one made by `addressRecord`),
   * outside any batch. Native: one sendto(2), false when the socket refused it (full, closed,
   * wrong family), counted in sendErrors. dgram: queued (copied), true.
   */
  sendTo(data: Uint8Array, addr: Uint8Array): boolean;
  /** stops reading; replies of a batch being handled are still sent; resolves when the socket is closed */
  close(): Promise<void>;
}
