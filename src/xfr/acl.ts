import { BlockList, isIP } from 'node:net';
import { XfrError } from './errors.js';
import { normalAddress } from './peer.js';

/** A list of addresses and networks (`192.0.2.0/24`, `2001:db8::/32`, `127.0.0.1`). */
export class AddressList {
  private readonly list = new BlockList();
  readonly size: number;

  constructor(entries: readonly string[], where = 'address list') {
    for (const raw of entries) {
      const e = raw.trim();
      const [addr = '', len] = e.split('/');
      const family = isIP(addr);
      if (family === 0) throw new XfrError('GDNS_ERR_XFR_CONFIG', `${where}: "${raw}" is not an IP address or network (e.g. 192.0.2.0/24)`);
      const max = family === 4 ? 32 : 128;
      const prefix = len === undefined ? max : Number(len);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
        throw new XfrError('GDNS_ERR_XFR_CONFIG', `${where}: "${raw}" has a bad prefix length (0..${max})`);
      }
      this.list.addSubnet(addr, prefix, family === 4 ? 'ipv4' : 'ipv6');
    }
    this.size = entries.length;
  }

  has(address: string): boolean {
    const a = normalAddress(address);
    const family = isIP(a);
    if (family === 0) return false;
    return this.list.check(a, family === 4 ? 'ipv4' : 'ipv6');
  }
}
