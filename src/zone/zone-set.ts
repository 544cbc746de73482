import { keyOf } from './name-key.js';
import type { Name } from '../wire/index.js';
import type { Zone } from './zone.js';

/** An immutable set of zones served together; `with`/`without` make new sets (reloads swap them). */
export class ZoneSet implements Iterable<Zone> {
  private readonly zones: ReadonlyMap<string, Zone>;

  constructor(zones: Iterable<Zone>) {
    const m = new Map<string, Zone>();
    for (const z of zones) m.set(z.originKey, z);
    this.zones = m;
  }

  /** The zone with the longest origin at or above `qname`. */
  find(qname: Name): Zone | undefined {
    if (this.zones.size === 0) return undefined;
    const key = keyOf(qname);
    for (let p = 0; p < key.length; p += key.charCodeAt(p) + 1) {
      const z = this.zones.get(p === 0 ? key : key.slice(p));
      if (z) return z;
      if (key.charCodeAt(p) === 0) break;
    }
    return undefined;
  }

  get(originKey: string): Zone | undefined {
    return this.zones.get(originKey);
  }

  get size(): number {
    return this.zones.size;
  }

  [Symbol.iterator](): Iterator<Zone> {
    return this.zones.values();
  }

  with(zone: Zone): ZoneSet {
    const m = new Map(this.zones);
    m.set(zone.originKey, zone);
    return new ZoneSet(m.values());
  }

  without(originKey: string): ZoneSet {
    const m = new Map(this.zones);
    m.delete(originKey);
    return new ZoneSet(m.values());
  }
}
