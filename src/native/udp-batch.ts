/**
 * The batch shared between the socket and its handler, the same on the native and dgram paths.
 * Buffers are allocated once per endpoint; the handler must not keep references past its return.
 */

/** Bytes per packet in `addr`: [0]=4|6, [1]=0, [2..3]=source port big-endian, [4..19]=address
 *  (IPv4 in [4..7], rest zero). */
export const ADDR_BYTES = 20;

export interface UdpBatch {
  /** packets in this batch */
  readonly count: number;
  /** bytes per slot (the largest datagram accepted; larger ones are dropped before the handler) */
  readonly slot: number;
  /** packet i is rx.subarray(i*slot, i*slot + rxLen[i]) */
  readonly rx: Uint8Array;
  readonly rxLen: Int32Array;
  /** per packet ADDR_BYTES bytes, layout above; see peerAddress() and peerPort() */
  readonly addr: Uint8Array;
  /** the handler writes reply i at tx[i*slot ...] */
  readonly tx: Uint8Array;
  /** the handler sets txLen[i] = reply length; 0 (the value on entry) = no reply */
  readonly txLen: Int32Array;
}

export type UdpBatchHandler = (batch: UdpBatch) => void;

/** The batch object with its buffers; `count` is updated in place before each handler call. */
export interface BatchBuffers extends UdpBatch {
  count: number;
}

export function allocBatch(slot: number, batch: number): BatchBuffers {
  return {
    count: 0,
    slot,
    rx: new Uint8Array(new ArrayBuffer(slot * batch)),
    rxLen: new Int32Array(batch),
    addr: new Uint8Array(new ArrayBuffer(batch * ADDR_BYTES)),
    tx: new Uint8Array(new ArrayBuffer(slot * batch)),
    txLen: new Int32Array(batch),
  };
}
