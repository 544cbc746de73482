/** Address lists (allow/deny, trusted PROXY sources) over node's BlockList. */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { RelayError, RelayErrorCode } from './errors.js';

export interface NetworkList {
  readonly empty: boolean;
  has(address: string): boolean;
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) as plain IPv4, as accepting IPv6 sockets report it. */
export const plainAddress = (a: string): string => (a.startsWith('::ffff:') && isIPv4(a.slice(7)) ? a.slice(7) : a);

/** Builds a list from entries like `10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7`. */
export function networkList(entries: readonly string[] | undefined, what: string): NetworkList {
  const list = new BlockList();
  for (const raw of entries ?? []) {
    const [addr = '', bits] = raw.trim().split('/');
    const family = isIPv4(addr) ? 'ipv4' : isIPv6(addr) ? 'ipv6' : undefined;
    const max = family === 'ipv4' ? 32 : 128;
    const prefix = bits === undefined ? max : Number(bits);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new RelayError(RelayErrorCode.config, `${what}: "${raw}" is not an address or network`);
    }
    list.addSubnet(addr, prefix, family);
  }
  const empty = (entries ?? []).length === 0;
  return {
    empty,
    has(address: string): boolean {
      if (empty) return false;
      const a = plainAddress(address);
      return list.check(a, isIPv4(a) ? 'ipv4' : 'ipv6');
    },
  };
}
