import type { Name } from './name.js';

export interface Question {
  name: Name;
  type: number;
  class: number;
}

/** A resource record; rdata is always UNCOMPRESSED wire bytes. */
export interface Rr {
  name: Name;
  type: number;
  class: number;
  ttl: number;
  rdata: Uint8Array;
}

export interface EdnsOption {
  code: number;
  data: Uint8Array;
}

export interface Edns {
  udpSize: number;
  extRcode: number;
  version: number;
  do: boolean;
  /** The whole 16-bit flags field of the OPT TTL (DO is its top bit). */
  flags: number;
  /** Options in the order they appeared. */
  options: EdnsOption[];
}

export interface ClientSubnet {
  family: 1 | 2;
  sourcePrefix: number;
  scopePrefix: number;
  /** 4 or 16 bytes; bits past sourcePrefix are zero. */
  address: Uint8Array;
}

export interface Cookie {
  client: Uint8Array;
  server: Uint8Array | null;
}

export interface Message {
  id: number;
  flags: number;
  opcode: number;
  /** Full rcode: header low 4 bits plus the OPT extended rcode. */
  rcode: number;
  questions: Question[];
  answers: Rr[];
  authority: Rr[];
  /** Without OPT and TSIG (see edns, tsig). */
  additional: Rr[];
  edns: Edns | null;
  tsig: Rr | null;
}
