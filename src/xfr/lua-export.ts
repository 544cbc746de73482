import { RRType, decodeMessage, encodeMessage, nameEqual, rrsigTypeCovered } from '../wire/index.js';
import { ZoneBuilder } from '../zone/index.js';
import type { Zone } from '../zone/index.js';
import type { ClientInfo, Engine } from '../engine/index.js';

/** EDNS option (local-use range) a Geodesic secondary puts in its transfer requests: it takes LUA records as they are. */
export const GEODESIC_XFR_OPTION = 65432;
export const GEODESIC_XFR_DATA = new TextEncoder().encode('geodesic');

const known = new WeakMap<Zone, boolean>();

/** Whether the zone holds LUA records (remembered per snapshot). */
export function zoneHasLua(zone: Zone): boolean {
  let has = known.get(zone);
  if (has === undefined) {
    has = false;
    for (const set of zone.records()) if (set.type === RRType.LUA) { has = true; break; }
    known.set(zone, has);
  }
  return has;
}

const NOWHERE: ClientInfo = { transport: 'tcp', address: new Uint8Array(4), port: 0 };
/** DO set: in a signed zone the answers carry their signatures. */
const SIGNED_TOO = { udpSize: 65535, extRcode: 0, version: 0, do: true, flags: 0, options: [] };

/**
 * The zone as sent to servers that do not run LUA records: each LUA RRset replaced by what the engine
 * answers for its name and type to a client of unknown location (the static export); never the code.
 */
export function luaStaticZone(zone: Zone, engine: Engine): Zone {
  const b = new ZoneBuilder(zone.origin, null);
  const done = new Set<string>();
  for (const set of zone.records()) {
    if (set.type !== RRType.LUA) {
      for (const r of set.rdata) if (set.type !== RRType.RRSIG || ((r[0]! << 8) | r[1]!) !== RRType.LUA) b.add(set.name, set.type, set.ttl, r);
      continue;
    }
    for (const r of set.rdata) {
      const type = (r[0]! << 8) | r[1]!;
      const key = `${set.name.join(',')}/${type}`;
      if (done.has(key)) continue;
      done.add(key);
      const q = encodeMessage({ id: 1, flags: 0, opcode: 0, rcode: 0, questions: [{ name: set.name, type, class: 1 }], answers: [], authority: [], additional: [], edns: SIGNED_TOO, tsig: null });
      const n = engine.answer(q, q.length, NOWHERE);
      if (n <= 0) continue;
      const m = decodeMessage(engine.output.slice(0, n));
      for (const a of m.answers) {
        if (!nameEqual(a.name, set.name)) continue;
        // a signed zone's answer comes with its RRSIG (signed online), which goes along
        if (a.type === type || (a.type === RRType.RRSIG && rrsigTypeCovered(a.rdata) === type)) b.add(set.name, a.type, a.ttl, a.rdata);
      }
    }
  }
  return b.finish();
}
