/** Resource record types (IANA registry) that Geodesic knows by name. */
export const RRType = Object.freeze({
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, RP: 17, AFSDB: 18,
  AAAA: 28, LOC: 29, SRV: 33, NAPTR: 35, KX: 36, CERT: 37, DNAME: 39, OPT: 41, APL: 42, DS: 43, SSHFP: 44, RRSIG: 46, NSEC: 47,
  DNSKEY: 48, NSEC3: 50, NSEC3PARAM: 51, TLSA: 52, SMIMEA: 53, CDS: 59, CDNSKEY: 60, OPENPGPKEY: 61,
  CSYNC: 62, ZONEMD: 63, SVCB: 64, HTTPS: 65, SPF: 99, TSIG: 250, IXFR: 251, AXFR: 252, ANY: 255,
  URI: 256, CAA: 257, ALIAS: 65401, LUA: 65402,
} as const);

export const RRClass = Object.freeze({ IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const);

export const Rcode = Object.freeze({
  NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5,
  YXDOMAIN: 6, YXRRSET: 7, NXRRSET: 8, NOTAUTH: 9, NOTZONE: 10, BADVERS: 16, BADKEY: 17,
  BADTIME: 18, BADCOOKIE: 23,
} as const);

/** BADSIG shares 16 with BADVERS (TSIG error field vs EDNS extended rcode). */
export const BADSIG = 16;

export const Opcode = Object.freeze({ QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const);

/** Bits of the header flags word (the 16 bits after the ID). */
export const Flag = Object.freeze({
  QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080, AD: 0x0020, CD: 0x0010,
} as const);

export const EdnsOptionCode = Object.freeze({
  NSID: 3, CLIENT_SUBNET: 8, COOKIE: 10, TCP_KEEPALIVE: 11, PADDING: 12, EDE: 15,
} as const);

export const HEADER_SIZE = 12;
