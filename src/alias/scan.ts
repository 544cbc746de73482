import { RRType, nameKey } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import type { Zone, ZoneSet } from '../zone/index.js';

/** ALIAS targets per zone snapshot (zones are immutable: a changed zone is a new object). */
const perZone = new WeakMap<Zone, Name[]>();

/** The targets of a zone's ALIAS records (each once). */
export function aliasTargetsOf(zone: Zone): Name[] {
  let list = perZone.get(zone);
  if (list === undefined) {
    const seen = new Map<string, Name>();
    for (const node of zone.allNodes()) {
      const set = node.peek(RRType.ALIAS);
      if (set === undefined) continue;
      for (const r of set.rdata) seen.set(nameKey(r), r);
    }
    list = [...seen.values()];
    perZone.set(zone, list);
  }
  return list;
}

/** Whether `target` is answered from the zones served here (inside one, not below a delegation). */
export function isHosted(zones: ZoneSet, target: Name): boolean {
  const zone = zones.find(target);
  return zone !== undefined && zone.lookup(target).cut === undefined;
}

/** The ALIAS targets of every zone served that are not answered here: those need a resolver. */
export function externalTargets(zones: ZoneSet): Name[] {
  const out = new Map<string, Name>();
  for (const zone of zones) {
    for (const t of aliasTargetsOf(zone)) if (!isHosted(zones, t)) out.set(nameKey(t), t);
  }
  return [...out.values()];
}
