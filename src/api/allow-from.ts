import { BlockList, isIP } from 'node:net';

/** PowerDNS's webserver-allow-from default as the seed sets it: loopback, RFC 1918 and ULA networks. */
export const DEFAULT_ALLOW_FROM: readonly string[] = Object.freeze([
  '127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7',
]);

/** A network list (`ADDR` or `ADDR/PREFIX`, IPv4 and IPv6); throws naming the bad entry. */
export class AllowFrom {
  private readonly list = new BlockList();

  constructor(readonly networks: readonly string[]) {
    for (const n of networks) {
      const [addr = '', prefix] = n.trim().split('/');
      const family = isIP(addr);
      const bits = family === 4 ? 32 : 128;
      const p = prefix === undefined ? bits : Number(prefix);
      if (family === 0 || !Number.isInteger(p) || p < 0 || p > bits || (prefix !== undefined && !/^\d+$/.test(prefix))) {
        throw new Error(`allow-from: "${n}" is not an address or network (e.g. 192.0.2.0/24, 2001:db8::/32)`);
      }
      this.list.addSubnet(addr, p, family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  /** Whether a client address (as the socket gives it: IPv4-mapped IPv6 counts as IPv4) may connect. */
  allows(address: string | undefined): boolean {
    if (address === undefined) return false;
    const a = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(a);
    if (family === 0) return false;
    return this.list.check(a, family === 4 ? 'ipv4' : 'ipv6');
  }
}
