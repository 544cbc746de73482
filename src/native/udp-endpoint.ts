/** What openUdp returns, on either path. */
import type { UdpStats } from './addon.js';

export type { UdpStats };

export interface UdpEndpoint {
  /** true when the recvmmsg/sendmmsg addon serves this socket, false on the node:dgram fallback */
  readonly native: boolean;
  readonly address: string;
  /** the bound port (the real one when 0 was asked) */
  readonly port: number;
  /** counters since open: packets in/out, oversized datagrams dropped, send/recv errors */
  stats(): UdpStats;
  /** stops reading; replies of a batch being handled are still sent; resolves when the socket is closed */
  close(): Promise<void>;
}
