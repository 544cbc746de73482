import type { Logger } from 'pino';
import { Opcode, Rcode, nameFromText, nameKey } from '../wire/index.js';
import type { ZoneSet } from '../zone/index.js';
import type { ClientInfo } from '../engine/index.js';
import type { HandoffHandler } from '../net/index.js';
import type { Catalog } from '../catalog/index.js';
import { UpdateHandler } from '../update/index.js';
import type { ServerConfig } from '../config/index.js';

const opcodeOf = (m: Uint8Array): number => (m.length > 2 ? (m[2]! >> 3) & 0xf : -1);

/**
 * DNS UPDATE (RFC 2136) in front of the other handed-off messages: with a store, UPDATEs of its zones
 * go to the UpdateHandler (over UDP answered when the write is served); everything else, and every
 * UPDATE when serving only zone files (REFUSED: change the files), to the given handlers.
 */
export function withUpdates(catalog: Catalog | null, config: ServerConfig, log: Logger, fileZones: () => ZoneSet,
  next: { tcp: HandoffHandler; udp: (m: Uint8Array, c: ClientInfo) => Uint8Array | null }): {
    tcp: HandoffHandler; udp: (m: Uint8Array, c: ClientInfo) => Uint8Array | null | Promise<Uint8Array | null>;
  } {
  const handler = catalog === null ? null : new UpdateHandler(catalog, {
    keys: config.keys.map((k) => ({ ...k, scopes: null })),
    servedElsewhere: (zone) => fileZones().get(nameKey(nameFromText(zone))) !== undefined,
  }, (o) => {
    const msg = `UPDATE of ${o.zone} from ${o.client}${o.key !== null ? ` (key ${o.key})` : ''}: ${o.rcode === 0 ? o.reason : `refused (rcode ${o.rcode}): ${o.reason}`}`;
    if (o.rcode === 0) log.info({ event: 'update', ...o }, msg);
    else log.warn({ event: 'update-refused', ...o }, msg);
  });
  const refuse = (m: Uint8Array): Uint8Array | null => {
    if (m.length < 12) return null;
    const out = m.slice(0, 12);
    out[2] = (out[2]! | 0x80) & ~0x07; // QR, opcode kept
    out[3] = Rcode.REFUSED;
    out.fill(0, 4, 12); // no sections: the header says REFUSED
    return out;
  };
  const update = (m: Uint8Array, c: ClientInfo): Uint8Array | null | Promise<Uint8Array | null> =>
    handler === null ? refuse(m) : handler.handle(m, c);
  return {
    udp: (m, c) => (opcodeOf(m) === Opcode.UPDATE ? update(m, c) : next.udp(m, c)),
    tcp: (m, c, reply) => {
      if (opcodeOf(m) !== Opcode.UPDATE) { next.tcp(m, c, reply); return; }
      void Promise.resolve(update(m, c)).then((out) => { if (out !== null) reply.send(out); }, () => undefined).finally(() => reply.done());
    },
  };
}
