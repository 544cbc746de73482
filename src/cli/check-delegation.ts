import { RRType, Rcode, nameEqual, nameIsBelowOrAt, nameLower, nameToText, rdataToText } from '../wire/index.js';
import type { Message, Name, Rr } from '../wire/index.js';
import { askServer, fmtServer } from './check-delegation-client.js';
import type { ServerAddress } from './check-delegation-client.js';
import { dsFromDnskey, dsFromRdata, dsMatchesKey, dsText, keyTag } from './check-delegation-ds.js';

export interface Finding {
  severity: 'error' | 'warning' | 'ok';
  /** Stable short code: no-delegation, ns-missing-at-parent, ns-extra-at-parent, glue-missing, glue-wrong,
   * ds-missing, ds-mismatch, ds-unsigned, child-unreachable. */
  code: string;
  /** Plain words: what is wrong and what to do at the registrar. */
  message: string;
}

export interface DelegationReport {
  zone: string;
  parentServer: string;
  parentNs: string[];
  childNs: string[];
  findings: Finding[];
}

export interface CheckDelegationOptions {
  zone: Name;
  /** A server of the parent zone (the registry's, or a local one in tests). */
  parent: ServerAddress;
  /** The Geodesic server that serves the zone. */
  child: ServerAddress;
  timeoutMs?: number;
}

const text = (n: Name): string => nameToText(nameLower(n));
const rrsOf = (rrs: Rr[], type: number, owner?: Name): Rr[] =>
  rrs.filter((r) => r.type === type && (owner === undefined || nameEqual(r.name, owner)));
const addr = (rr: Rr): string => rdataToText(rr.type, rr.rdata);

/** The parent's delegation: NS from the referral (or from an authoritative answer) and glue. */
function delegationOf(m: Message, zone: Name): { ns: Name[]; glue: Rr[] } {
  const fromAnswer = rrsOf(m.answers, RRType.NS, zone);
  const ns = (fromAnswer.length > 0 ? fromAnswer : rrsOf(m.authority, RRType.NS, zone)).map((r) => r.rdata as Name);
  return { ns, glue: m.additional.filter((r) => r.type === RRType.A || r.type === RRType.AAAA) };
}

/**
 * Compares the delegation the parent publishes (NS, glue, DS) with what Geodesic serves for the zone
 * (NS, the addresses of in-zone name servers, DNSKEY) and says what to fix at the registrar.
 */
export async function checkDelegation(o: CheckDelegationOptions): Promise<DelegationReport> {
  const { zone, parent, child } = o;
  const t = o.timeoutMs ?? 3000;
  const z = text(zone);
  const findings: Finding[] = [];
  const add = (severity: Finding['severity'], code: string, message: string): void => { findings.push({ severity, code, message }); };
  const report = (parentNs: string[], childNs: string[]): DelegationReport =>
    ({ zone: z, parentServer: fmtServer(parent), parentNs, childNs, findings });

  const p = await askServer(parent, zone, RRType.NS, t);
  const deleg = delegationOf(p, zone);
  let childNsMsg: Message;
  try {
    childNsMsg = await askServer(child, zone, RRType.NS, t);
  } catch (err) {
    add('error', 'child-unreachable', `Geodesic at ${fmtServer(child)} did not answer (${(err as Error).message}); start it or pass --server.`);
    return report(deleg.ns.map(text), []);
  }
  const childNs = rrsOf(childNsMsg.answers, RRType.NS, zone).map((r) => r.rdata as Name);
  if (childNsMsg.rcode !== Rcode.NOERROR || childNs.length === 0) {
    add('error', 'child-not-serving', `Geodesic at ${fmtServer(child)} does not serve ${z} (answer ${childNsMsg.rcode === Rcode.REFUSED ? 'REFUSED' : `rcode ${childNsMsg.rcode}`}, no NS records): load the zone first.`);
    return report(deleg.ns.map(text), []);
  }
  if (deleg.ns.length === 0) {
    add('error', 'no-delegation', `The parent server ${fmtServer(parent)} has no NS records for ${z}: the zone is not delegated. At your registrar, set the name servers of ${z} to ${childNs.map(text).join(', ')}.`);
    return report([], childNs.map(text));
  }
  const parentSet = new Set(deleg.ns.map(text));
  const childSet = new Set(childNs.map(text));
  for (const n of childSet) {
    if (!parentSet.has(n)) add('error', 'ns-missing-at-parent', `${n} serves ${z} (it is in the zone's NS records) but the parent does not list it: add ${n} as a name server at your registrar.`);
  }
  for (const n of parentSet) {
    if (!childSet.has(n)) add('error', 'ns-extra-at-parent', `The parent lists ${n} as a name server of ${z}, but the zone itself does not: resolvers sent there get no or wrong answers. Remove ${n} at your registrar, or add it to the zone's NS records if it really serves the zone.`);
  }
  await checkGlue(deleg, zone, child, t, add);
  await checkDs(zone, parent, child, t, add);
  if (!findings.some((f) => f.severity !== 'ok')) add('ok', 'ok', `The delegation of ${z} at the parent matches what Geodesic serves.`);
  return report([...parentSet], [...childSet]);
}

type Add = (severity: Finding['severity'], code: string, message: string) => void;

/** Name servers inside the zone need glue at the parent, equal to the addresses the zone serves. */
async function checkGlue(deleg: { ns: Name[]; glue: Rr[] }, zone: Name, child: ServerAddress, t: number, add: Add): Promise<void> {
  for (const ns of deleg.ns) {
    if (!nameIsBelowOrAt(ns, zone)) continue;
    const n = text(ns);
    const glue = deleg.glue.filter((r) => nameEqual(r.name, ns)).map(addr).sort();
    const served: string[] = [];
    for (const type of [RRType.A, RRType.AAAA]) {
      const m = await askServer(child, ns, type, t);
      served.push(...rrsOf(m.answers, type, ns).map(addr));
    }
    served.sort();
    if (glue.length === 0) {
      const what = served.length > 0 ? served.join(' and ') : '(the zone has no address for it either: add an A record)';
      add('error', 'glue-missing', `${n} is inside ${text(zone)}, so the parent must publish its address (a glue record) or nobody can reach it. At your registrar, register the host ${n} with ${what}.`);
    } else if (glue.join(',') !== served.join(',')) {
      add('error', 'glue-wrong', `The glue for ${n} at the parent is ${glue.join(', ')}, but the zone says ${served.join(', ') || 'nothing'}: update the host record ${n} at your registrar to ${served.join(', ') || 'the right address'}.`);
    }
  }
}

/** A signed zone needs a DS at the parent that matches one of its keys; an unsigned one must have none. */
async function checkDs(zone: Name, parent: ServerAddress, child: ServerAddress, t: number, add: Add): Promise<void> {
  const dsMsg = await askServer(parent, zone, RRType.DS, t);
  const ds = rrsOf(dsMsg.answers, RRType.DS, zone).map((r) => dsFromRdata(r.rdata));
  const keyMsg = await askServer(child, zone, RRType.DNSKEY, t);
  const keys = rrsOf(keyMsg.answers, RRType.DNSKEY, zone).map((r) => r.rdata);
  const ksks = keys.filter((k) => (k[1]! & 1) === 1);
  const candidates = ksks.length > 0 ? ksks : keys;
  if (keys.length === 0) {
    if (ds.length > 0) add('error', 'ds-unsigned', `The parent has a DS record for ${text(zone)} (key tag ${ds.map((d) => d.keyTag).join(', ')}) but the zone is not signed: validating resolvers will refuse every answer (SERVFAIL). Remove the DS record at your registrar, or sign the zone.`);
    return;
  }
  if (ds.length === 0) {
    const lines = candidates.map((k) => `${text(zone)} IN DS ${dsText(dsFromDnskey(zone, k))}`).join('\n    ');
    add('warning', 'ds-missing', `${text(zone)} is signed but the parent has no DS record, so DNSSEC is not in effect. At your registrar, add this DS record (key tag, algorithm, digest type 2 = SHA-256, digest):\n    ${lines}`);
    return;
  }
  const matching = ds.filter((d) => keys.some((k) => dsMatchesKey(d, zone, k)));
  if (matching.length === 0) {
    const want = candidates.map((k) => dsText(dsFromDnskey(zone, k))).join('; ');
    add('error', 'ds-mismatch', `The DS record at the parent (key tag ${ds.map((d) => d.keyTag).join(', ')}) matches none of the zone's keys (key tag ${candidates.map(keyTag).join(', ')}): validating resolvers will refuse every answer (SERVFAIL). Replace it at your registrar with: ${want}`);
  }
}
