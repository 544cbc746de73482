import { onlineSignerOf } from '../dnssec/index.js';
import type { DynamicSet, SigSet } from '../dnssec/index.js';
import type { Zone, ZoneNode } from '../zone/index.js';
import type { QueryContext } from './context.js';

/**
 * Online signing of answers made at query time (LUA/geo records, ALIAS): the RRSIGs of `set` under DO
 * when `zone` is a signed snapshot (signZone registered its OnlineSigner), else undefined. The signature
 * is made once per distinct set object and kept until its refresh time (see OnlineSigner); `owner` is the
 * record's owner node (a wildcard's `*` node for synthesized names).
 */
export function dynamicSigs(ctx: QueryContext, zone: Zone, node: ZoneNode, set: DynamicSet): SigSet | undefined {
  if (!ctx.dnssecOk) return undefined;
  return onlineSignerOf(zone)?.sigs(node.name, set);
}

/**
 * Encoded answers that carry online signatures are good until the earliest refresh time of those
 * signatures: `note` each stored one, `expired` tells when to drop them all (checked before a reuse).
 */
export class SignedAnswerDeadline {
  private at = Infinity;
  private clock: (() => number) | null = null;

  /** An encoded answer carrying the online signatures of `set` (from `zone`'s signer) was stored. */
  note(zone: Zone, set: object): void {
    const s = onlineSignerOf(zone);
    if (s === undefined) return;
    const at = s.refreshAt(set);
    if (at < this.at) { this.at = at; this.clock = s.now; }
  }

  /** True once the earliest noted refresh time has passed (then the deadline is reset). */
  expired(): boolean {
    if (this.at === Infinity || this.clock!() < this.at) return false;
    this.reset();
    return true;
  }

  reset(): void {
    this.at = Infinity;
    this.clock = null;
  }
}
