import type { HealthPlane, Want } from '../health/index.js';
import { RRType, nameToText, typeToText } from '../wire/index.js';
import type { Zone, ZoneNode } from '../zone/index.js';
import { addressFromText, addressToText } from './address.js';
import { endpointSpec } from './geo-rule.js';
import { discoverChecks } from './lua-discover.js';
import { declarativeRule } from './lua-evaluate.js';

/** A LUA record's code from its rdata (type u16, then character-strings). */
export function luaCode(rdata: Uint8Array): string {
  let code = '';
  const dec = new TextDecoder();
  for (let o = 2; o < rdata.length; o += rdata[o]! + 1) code += dec.decode(rdata.subarray(o + 1, o + 1 + rdata[o]!));
  return code;
}

/** The checks a LUA record's code needs: declarative endpoints, and literal health function calls. */
export function wantsOfCode(code: string): Want[] {
  const rule = declarativeRule(code);
  if (rule === null) return discoverChecks(code);
  const out: Want[] = [];
  for (const e of rule.endpoints) {
    const spec = endpointSpec(e);
    if (spec !== null) out.push({ spec, names: [e.name, addressToText(addressFromText(e.address))] });
  }
  return out;
}

const HEALTH_CALL = /\b(ifportup|ifurlup|ifurlextup|pickselfweighted)\s*\(/;

/** A LUA record whose health calls have computed arguments: run once at load so its checks start. */
export interface DryRun {
  zone: Zone;
  node: ZoneNode;
  /** The record type the code answers (first two rdata bytes). */
  type: number;
  code: string;
}

/**
 * Keeps the health plane's targets in step with the zones served: when a zone (object) changes, its
 * LUA records are read again and the zone's targets replaced (new ones probed at once, gone ones stop).
 */
export class HealthWatch {
  private readonly seen = new Map<string, Zone>();
  private readonly ran = new Map<string, Want[]>();

  constructor(private readonly plane: HealthPlane, private readonly onError?: (zone: string, message: string) => void) {}

  /**
   * Updates the targets. Records whose health calls could not be read (computed arguments) are given to
   * `dryRun` (which evaluates them once): the checks they reach belong to the zone like the others.
   */
  sync(zones: Iterable<Zone>, dryRun?: (d: DryRun) => void): void {
    const now = new Set<string>();
    for (const zone of zones) {
      const owner = nameToText(zone.origin);
      now.add(owner);
      if (this.seen.get(owner) === zone) continue;
      this.seen.set(owner, zone);
      const wants: Want[] = [];
      for (const node of zone.allNodes()) {
        if (!node.has(RRType.LUA)) continue;
        for (const r of node.get(RRType.LUA)!.rdata) {
          const type = (r[0]! << 8) | r[1]!;
          const record = `${nameToText(node.name)} LUA ${typeToText(type)}`;
          const code = luaCode(r);
          const found = wantsOfCode(code);
          for (const w of found) wants.push({ ...w, record });
          if (found.length === 0 && dryRun !== undefined && HEALTH_CALL.test(code)) {
            // once per code text: a write to a big zone does not run all its scripts again
            const key = `${nameToText(node.name)} ${type} ${code}`;
            let ran = this.ran.get(key);
            if (ran === undefined) {
              ran = this.plane.capture(() => dryRun({ zone, node, type, code }));
              if (this.ran.size > 10_000) this.ran.clear();
              this.ran.set(key, ran);
            }
            for (const w of ran) wants.push({ ...w, record });
          }
        }
      }
      for (const err of this.plane.want(owner, wants)) this.onError?.(owner, err.message);
    }
    for (const key of [...this.seen.keys()]) {
      if (!now.has(key)) {
        this.seen.delete(key);
        this.plane.want(key, []);
      }
    }
  }
}
