import { ROOT, RRType, rdataFromText, rdataToText, tokenize } from '../wire/index.js';

/** Types whose trailing fields are hex that PowerDNS prints in lower case (we print upper, as BIND). */
const HEX_FROM: ReadonlyMap<number, number> = new Map([
  [RRType.DS, 3], [RRType.CDS, 3], [RRType.TLSA, 3], [53 /* SMIMEA */, 3], [RRType.SSHFP, 2],
]);

/** CERT's type and algorithm mnemonics (as dig prints them) -> the numbers PowerDNS prints. */
const CERT_NUMBERS: Readonly<Record<string, string>> = {
  PKIX: '1', SPKI: '2', PGP: '3', IPKIX: '4', ISPKI: '5', IPGP: '6', ACPKIX: '7', IACPKIX: '8', URI: '253', OID: '254',
};
const ALG_NUMBERS: Readonly<Record<string, string>> = {
  RSAMD5: '1', DH: '2', DSA: '3', RSASHA1: '5', NSEC3DSA: '6', NSEC3RSASHA1: '7', RSASHA256: '8', RSASHA512: '10',
  ECCGOST: '12', ECDSAP256SHA256: '13', ECDSAP384SHA384: '14', ED25519: '15', ED448: '16', INDIRECT: '252',
  PRIVATEDNS: '253', PRIVATEOID: '254',
};

/**
 * APL as PowerDNS prints it: each address cut to its prefix (`1:192.0.2.1/24` is `1:192.0.2.0/24`; BIND
 * and Geodesic keep the bits). Works on the wire form: clear the bits past the prefix, trim zero octets.
 */
function aplMasked(content: string): string {
  if (content.startsWith('\\#')) return content; // a family without text form: PowerDNS does not know it either
  let w: Uint8Array;
  try {
    w = rdataFromText(RRType.APL, tokenize(content), ROOT);
  } catch {
    return content;
  }
  const out: number[] = [];
  for (let p = 0; p + 4 <= w.length;) {
    const prefix = w[p + 2]!;
    const len = w[p + 3]! & 0x7f;
    const addr = Array.from(w.subarray(p + 4, p + 4 + len), (b, i) => (prefix >= 8 * (i + 1) ? b : prefix <= 8 * i ? 0 : b & (0xff << (8 - (prefix - 8 * i)))));
    while (addr.length > 0 && addr[addr.length - 1] === 0) addr.pop();
    out.push(w[p]!, w[p + 1]!, prefix, (w[p + 3]! & 0x80) | addr.length, ...addr);
    p += 4 + len;
  }
  return rdataToText(RRType.APL, Uint8Array.from(out));
}

/**
 * A record's content as PowerDNS 4.7 prints it, from ours: hex digests in lower case, SVCB/HTTPS values
 * without quotes where PowerDNS leaves them out (`alpn=h2,h3`), CERT's type and algorithm as numbers,
 * APL addresses cut to their prefix. Clients compare what they read with what they sent (external-dns,
 * octodns), so the API answers in PowerDNS's spelling.
 */
export function pdnsContent(type: number, content: string): string {
  const from = HEX_FROM.get(type);
  if (from !== undefined) {
    const t = content.split(' ');
    return [...t.slice(0, from), ...t.slice(from).map((x) => x.toLowerCase())].join(' ');
  }
  if (type === RRType.SVCB || type === RRType.HTTPS) {
    return content.replace(/(\s[a-z0-9-]+)="([^"\\\s]*)"/g, '$1=$2');
  }
  if (type === RRType.CERT) {
    const t = content.split(' ');
    if (t.length < 4) return content;
    return [CERT_NUMBERS[t[0]!] ?? t[0]!, t[1]!, ALG_NUMBERS[t[2]!] ?? t[2]!, ...t.slice(3)].join(' ');
  }
  if (type === RRType.APL) return aplMasked(content);
  return content;
}
