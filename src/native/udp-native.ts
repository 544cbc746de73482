/** The native path: the C addon drains the socket in batches and calls onBatch once per batch. */
import type { NativeAddon } from './addon.js';
import { ADDR_BYTES, allocBatch } from './udp-batch.js';
import type { UdpBatchHandler } from './udp-batch.js';
import type { UdpEndpoint } from './udp-endpoint.js';

/** Batches one readiness callback may drain before yielding to the event loop. */
const MAX_BATCHES_PER_WAKEUP = 16;

const handles = new WeakMap<UdpEndpoint, object>();

/** The addon handle of a native endpoint that is still open (for the relay's UDP groups), else undefined. */
export function endpointHandle(ep: UdpEndpoint): object | undefined {
  return ep.fd >= 0 ? handles.get(ep) : undefined;
}

export function openNative(addon: NativeAddon, family: 4 | 6, host: string, port: number, slot: number,
  batch: number, handler: UdpBatchHandler, cache?: object): UdpEndpoint {
  const b = allocBatch(slot, batch);
  const onBatch = (count: number): void => {
    b.count = count;
    handler(b);
  };
  const handle = addon.open(family, host, port, slot, batch, MAX_BATCHES_PER_WAKEUP,
    b.rx.buffer as ArrayBuffer, b.rxLen.buffer as ArrayBuffer, b.addr.buffer as ArrayBuffer,
    b.tx.buffer as ArrayBuffer, b.txLen.buffer as ArrayBuffer, onBatch, {}, cache);
  let bound: number;
  try {
    bound = addon.port(handle);
  } catch (err) {
    addon.close(handle, () => undefined);
    throw err;
  }
  let closed: Promise<void> | undefined;
  const ep: UdpEndpoint = {
    native: true,
    address: host,
    port: bound,
    get fd() {
      return closed ? -1 : addon.fd(handle);
    },
    stats: () => addon.stats(handle),
    sendTo: (data, addr) => {
      if (addr.length < ADDR_BYTES) throw new RangeError(`sendTo: address record of ${ADDR_BYTES} bytes expected`);
      return addon.sendTo(handle, data, addr);
    },
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => addon.close(handle, resolve));
      return closed;
    },
  };
  handles.set(ep, handle);
  return ep;
}
