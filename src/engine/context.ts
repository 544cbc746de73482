import type { Name, Query } from '../wire/index.js';
import type { RRset, Zone, ZoneSet } from '../zone/index.js';

/** Where a query came from: the transport and the client's address (for geo, RRL and ACLs). */
export interface ClientInfo {
  transport: 'udp' | 'tcp';
  /** 4 or 16 address bytes. */
  address: Uint8Array;
  port: number;
}

/** An RRset as placed in a response: the owner it is written under (the query's case, or a wildcard's
 * synthesized owner) and its signatures when DO is set. */
export interface Entry {
  owner: Name;
  set: Pick<RRset, 'type' | 'ttl' | 'rdata'>;
  sigs: Pick<RRset, 'type' | 'ttl' | 'rdata'> | undefined;
}

/** One section of the response being assembled. */
export type Section = Entry[];

/** The state of one query as it passes the fixed stages of the pipeline (engine/pipeline.ts). */
export interface QueryContext {
  readonly query: Query;
  readonly client: ClientInfo;
  /** The zones served when the query arrived (a reload swaps the set, never changes it). */
  readonly zones: ZoneSet;
  /** Response header bits beyond QR: AA, TC, RD (copied), CD (copied). */
  aa: boolean;
  tc: boolean;
  rcode: number;
  /** The query carried an OPT record; the response carries one too. */
  edns: boolean;
  dnssecOk: boolean;
  /** Largest response the client accepts on this transport. */
  maxSize: number;
  zone: Zone | undefined;
  answer: Section;
  authority: Section;
  additional: Section;
  /** Additional entries that are required glue: dropping them sets TC (RFC 9471). */
  requiredGlue: number;
  /** The answer depends only on the question and the zone data: it may be reused from the cache. */
  cacheable: boolean;
  /** ECS scope prefix of the response (RFC 7871): the prefix that decided the answer (0: not tailored). */
  ecsScope: number;
}

export function newContext(query: Query, client: ClientInfo, zones: ZoneSet): QueryContext {
  return {
    query, client, zones, aa: false, tc: false, rcode: 0, edns: false, dnssecOk: false, maxSize: 512,
    zone: undefined, answer: [], authority: [], additional: [], requiredGlue: 0, cacheable: true,
    ecsScope: 0,
  };
}
