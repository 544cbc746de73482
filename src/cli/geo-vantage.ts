/**
 * Default vantage points for `geodesic geo whatif`: about twenty cities around the world (as a global
 * ping test picks them), each with a network of a large local access provider there. Approximate by
 * nature: what a GeoIP database says about a network is what the server sees.
 */
export interface Vantage {
  name: string;
  network: string;
}

export const VANTAGES: readonly Vantage[] = [
  { name: 'Los Angeles, US', network: '67.198.150.0/24' },
  { name: 'Chicago, US', network: '73.44.0.0/24' },
  { name: 'Toronto, CA', network: '99.224.0.0/24' },
  { name: 'Mexico City, MX', network: '187.188.0.0/24' },
  { name: 'Sao Paulo, BR', network: '200.160.0.0/24' },
  { name: 'Buenos Aires, AR', network: '181.1.0.0/24' },
  { name: 'London, GB', network: '81.2.69.0/24' },
  { name: 'Amsterdam, NL', network: '78.142.195.0/24' },
  { name: 'Paris, FR', network: '90.0.0.0/24' },
  { name: 'Frankfurt, DE', network: '80.156.0.0/24' },
  { name: 'Stockholm, SE', network: '83.248.0.0/24' },
  { name: 'Moscow, RU', network: '95.165.0.0/24' },
  { name: 'Istanbul, TR', network: '78.160.0.0/24' },
  { name: 'Cairo, EG', network: '41.32.0.0/24' },
  { name: 'Lagos, NG', network: '105.112.0.0/24' },
  { name: 'Johannesburg, ZA', network: '196.25.1.0/24' },
  { name: 'Dubai, AE', network: '94.200.0.0/24' },
  { name: 'Mumbai, IN', network: '49.44.0.0/24' },
  { name: 'Singapore, SG', network: '89.28.239.0/24' },
  { name: 'Jakarta, ID', network: '36.64.0.0/24' },
  { name: 'Beijing, CN', network: '123.112.0.0/24' },
  { name: 'Seoul, KR', network: '211.234.0.0/24' },
  { name: 'Tokyo, JP', network: '210.130.0.0/24' },
  { name: 'Sydney, AU', network: '1.128.0.0/24' },
  { name: 'Auckland, NZ', network: '122.56.0.0/24' },
];

/** A --from value: an address, a network, or a city of the table (case-insensitive prefix). */
export function vantageOf(from: string): Vantage | undefined {
  const f = from.trim();
  if (/^[0-9a-fA-F:.]+(\/\d+)?$/.test(f) && (f.includes('.') || f.includes(':'))) {
    const network = f.includes('/') ? f : `${f}/${f.includes(':') ? 128 : 32}`;
    return { name: f, network };
  }
  const lower = f.toLowerCase();
  return VANTAGES.find((v) => v.name.toLowerCase().startsWith(lower));
}
