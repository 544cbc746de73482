import { RRType } from '../wire/index.js';

/** Types whose trailing fields are hex that PowerDNS prints in lower case (we print upper, as BIND). */
const HEX_FROM: ReadonlyMap<number, number> = new Map([
  [RRType.DS, 3], [RRType.CDS, 3], [RRType.TLSA, 3], [53 /* SMIMEA */, 3], [RRType.SSHFP, 2],
]);

/**
 * A record's content as PowerDNS 4.7 prints it, from ours: hex digests in lower case, SVCB/HTTPS values
 * without quotes where PowerDNS leaves them out (`alpn=h2,h3`). Clients compare what they read with
 * what they sent (external-dns, octodns), so the API answers in PowerDNS's spelling.
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
  return content;
}
