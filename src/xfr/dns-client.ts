import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { XfrError } from './errors.js';
import { peerText } from './peer.js';
import type { Peer } from './peer.js';

/** Sends one message over UDP and resolves with the first answer carrying the same ID. */
export function udpExchange(peer: Peer, msg: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(peer.host.includes(':') ? 'udp6' : 'udp4');
    const id = (msg[0]! << 8) | msg[1]!;
    const finish = (err: Error | null, answer?: Uint8Array): void => {
      clearTimeout(timer);
      sock.removeAllListeners('message');
      sock.close();
      if (err !== null) reject(err);
      else resolve(answer!);
    };
    const timer = setTimeout(() => finish(new XfrError('GDNS_ERR_XFR_TIMEOUT', `${peerText(peer)} did not answer within ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (err) => finish(new XfrError('GDNS_ERR_XFR_NETWORK', `${peerText(peer)}: ${err.message}`, { cause: err })));
    sock.on('message', (data, rinfo) => {
      if (data.length < 12 || ((data[0]! << 8) | data[1]!) !== id || rinfo.port !== peer.port) return;
      finish(null, new Uint8Array(data));
    });
    sock.send(msg, peer.port, peer.host, (err) => { if (err) finish(new XfrError('GDNS_ERR_XFR_NETWORK', `${peerText(peer)}: ${err.message}`, { cause: err })); });
  });
}

/**
 * A DNS-over-TCP exchange: sends `msg`, then hands each framed answer message to `onMessage` until it
 * returns true (done). Bounded by `idleMs` between messages and `totalMs` overall.
 */
export function tcpExchange(peer: Peer, msg: Uint8Array, onMessage: (m: Uint8Array) => boolean,
  opts: { idleMs: number; totalMs: number; maxBytes?: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock: Socket = connect({ host: peer.host, port: peer.port, noDelay: true });
    let pending: Buffer = Buffer.alloc(0);
    let bytes = 0;
    let finished = false;
    const finish = (err: Error | null): void => {
      if (finished) return;
      finished = true;
      clearTimeout(total);
      sock.destroy();
      if (err !== null) reject(err);
      else resolve();
    };
    const total = setTimeout(() => finish(new XfrError('GDNS_ERR_XFR_TIMEOUT', `${peerText(peer)}: the exchange took longer than ${opts.totalMs} ms`)), opts.totalMs);
    sock.setTimeout(opts.idleMs, () => finish(new XfrError('GDNS_ERR_XFR_TIMEOUT', `${peerText(peer)} sent nothing for ${opts.idleMs} ms`)));
    sock.on('error', (err) => finish(new XfrError('GDNS_ERR_XFR_NETWORK', `${peerText(peer)}: ${err.message}`, { cause: err })));
    sock.on('close', () => finish(new XfrError('GDNS_ERR_XFR_NETWORK', `${peerText(peer)} closed the connection before the answer was complete`)));
    sock.on('connect', () => {
      const framed = Buffer.alloc(msg.length + 2);
      framed.writeUInt16BE(msg.length, 0);
      framed.set(msg, 2);
      sock.write(framed);
    });
    sock.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (opts.maxBytes !== undefined && bytes > opts.maxBytes) {
        finish(new XfrError('GDNS_ERR_XFR_TOO_BIG', `${peerText(peer)}: the answer is over ${opts.maxBytes} bytes`));
        return;
      }
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let off = 0;
      while (pending.length - off >= 2) {
        const len = pending.readUInt16BE(off);
        if (pending.length - off - 2 < len) break;
        const m = new Uint8Array(pending.subarray(off + 2, off + 2 + len));
        off += 2 + len;
        let done: boolean;
        try {
          done = onMessage(m);
        } catch (err) {
          finish(err as Error);
          return;
        }
        if (done) { finish(null); return; }
      }
      pending = off === pending.length ? Buffer.alloc(0) : pending.subarray(off);
    });
  });
}

/** One query and its one answer over TCP (SOA after a truncated UDP answer). */
export async function tcpQuery(peer: Peer, msg: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
  let answer: Uint8Array | null = null;
  const id = (msg[0]! << 8) | msg[1]!;
  await tcpExchange(peer, msg, (m) => {
    if (m.length < 12 || ((m[0]! << 8) | m[1]!) !== id) return false;
    answer = m;
    return true;
  }, { idleMs: timeoutMs, totalMs: timeoutMs });
  return answer!;
}
