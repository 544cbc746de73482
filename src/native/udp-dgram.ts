/**
 * The fallback path on node:dgram with the same batch interface: datagrams that arrive in one
 * event-loop turn are gathered (up to `batch`) and handed over together from setImmediate.
 * Oversized datagrams are dropped and a close() inside the handler sends that batch's replies, as
 * on the native path.
 */
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import type { UdpStats } from './addon.js';
import { ADDR_BYTES, allocBatch } from './udp-batch.js';
import type { BatchBuffers, UdpBatchHandler } from './udp-batch.js';
import { recordAddress, recordPort, writePeer } from './udp-address.js';
import type { UdpEndpoint } from './udp-endpoint.js';

class DgramBatcher {
  readonly stats: UdpStats = { batches: 0, rxPackets: 0, txPackets: 0, droppedOversize: 0, sendErrors: 0, recvErrors: 0 };
  private readonly b: BatchBuffers;
  private readonly peerHost: string[];
  private readonly peerPort: Int32Array;
  private scheduled = false;
  private inBatch = false;
  closing = false;
  onIdleClose: (() => void) | null = null;

  constructor(private readonly sock: Socket, private readonly batch: number, slot: number,
    private readonly handler: UdpBatchHandler) {
    this.b = allocBatch(slot, batch);
    this.peerHost = new Array<string>(batch).fill('');
    this.peerPort = new Int32Array(batch);
  }

  readonly onMessage = (msg: Buffer, rinfo: RemoteInfo): void => {
    if (this.closing) return;
    const b = this.b;
    if (msg.length > b.slot) { this.stats.droppedOversize++; return; }
    const i = b.count++;
    b.rx.set(msg, i * b.slot);
    b.rxLen[i] = msg.length;
    writePeer(b.addr, i, rinfo.address, rinfo.port);
    this.peerHost[i] = rinfo.address;
    this.peerPort[i] = rinfo.port;
    this.stats.rxPackets++;
    if (b.count === this.batch) this.run();
    else if (!this.scheduled) { this.scheduled = true; setImmediate(this.run); }
  };

  readonly run = (): void => {
    this.scheduled = false;
    const b = this.b;
    const count = b.count;
    if (count === 0 || this.closing) { b.count = 0; return; }
    b.txLen.fill(0, 0, count);
    this.stats.batches++;
    this.inBatch = true;
    try {
      this.handler(b);
    } catch (err) {
      b.txLen.fill(0, 0, count); // no replies from a failed batch
      throw err;
    } finally {
      this.inBatch = false;
      b.count = 0;
    }
    this.send(count);
    if (this.closing) this.onIdleClose?.();
  };

  private send(count: number): void {
    const b = this.b;
    for (let i = 0; i < count; i++) {
      const len = b.txLen[i] ?? 0;
      if (len <= 0) continue;
      if (len > b.slot) { this.stats.sendErrors++; continue; }
      const copy = Buffer.from(b.tx.subarray(i * b.slot, i * b.slot + len)); // tx is reused next batch
      this.sock.send(copy, this.peerPort[i] ?? 0, this.peerHost[i], (err) => {
        if (err) this.stats.sendErrors++; else this.stats.txPackets++;
      });
    }
  }

  /** One datagram outside a batch (copied: the caller may reuse its buffer). */
  sendTo(data: Uint8Array, addr: Uint8Array): boolean {
    if (addr.length < ADDR_BYTES || (addr[0] !== 4 && addr[0] !== 6)) throw new RangeError(`sendTo: address record of ${ADDR_BYTES} bytes expected`);
    if (this.closing) { this.stats.sendErrors++; return false; }
    this.sock.send(Buffer.from(data), recordPort(addr), recordAddress(addr), (err) => {
      if (err) this.stats.sendErrors++; else this.stats.txPackets++;
    });
    return true;
  }

  /** true when the socket can close now; false when a batch is being handled (run() closes it). */
  requestClose(): boolean {
    this.closing = true;
    return !this.inBatch;
  }
}

/** Asked for on both paths (the kernel caps it at net.core.rmem_max). */
const RCVBUF = 4 << 20;

export async function openDgram(family: 4 | 6, host: string, port: number, slot: number, batch: number,
  handler: UdpBatchHandler): Promise<UdpEndpoint> {
  const sock = createSocket(family === 6
    ? { type: 'udp6', reuseAddr: false, ipv6Only: true, recvBufferSize: RCVBUF }
    : { type: 'udp4', reuseAddr: false, recvBufferSize: RCVBUF });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ address: host, port, exclusive: true }, () => {
      sock.off('error', reject);
      resolve();
    });
  }).catch((err: unknown) => {
    sock.close();
    throw err;
  });
  const batcher = new DgramBatcher(sock, batch, slot, handler);
  sock.on('message', batcher.onMessage);
  sock.on('error', () => { batcher.stats.recvErrors++; }); // ICMP errors and the like never kill the socket
  let closed: Promise<void> | undefined;
  return {
    native: false,
    fd: -1,
    address: host,
    port: sock.address().port,
    stats: () => ({ ...batcher.stats }),
    sendTo: (data, addr) => batcher.sendTo(data, addr),
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        // a turn later: replies just handed to send() are still resolving their address (nextTick)
        const shut = (): void => { setImmediate(() => sock.close(() => resolve())); };
        if (batcher.requestClose()) shut();
        else batcher.onIdleClose = shut;
      });
      return closed;
    },
  };
}
