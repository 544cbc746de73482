import type { ApiServices } from '../api/index.js';
import { whatif } from './geo-whatif.js';
import { VANTAGES } from './geo-vantage.js';

/**
 * The admin UI's world map: asks this server's first DNS listener NAME/TYPE once per vantage point
 * (`geodesic geo whatif`'s table of cities), each with its network as EDNS Client Subnet.
 */
export function geoWhatifService(udp: readonly { address: string; port: number }[]): Pick<ApiServices, 'geoWhatif'> {
  const u = udp[0];
  if (u === undefined) return {};
  const host = u.address === '0.0.0.0' ? '127.0.0.1' : u.address === '::' ? '::1' : u.address;
  return {
    geoWhatif: async (name, type) => (await whatif({ host, port: u.port }, name, type, VANTAGES)).map((r) => ({
      vantage: r.vantage, network: r.network, answers: r.answers, ...(r.error !== undefined ? { error: r.error } : {}),
    })),
  };
}
