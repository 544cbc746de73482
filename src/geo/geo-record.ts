/** What Geodesic reads from a GeoIP record, whatever the database's layout. */
export interface GeoRecord {
  /** ISO 3166-1 alpha-2, upper case. */
  readonly country: string | null;
  /** Two-letter continent code (AF AN AS EU NA OC SA). */
  readonly continent: string | null;
  /** First subdivision's code (MaxMind) or name (ip-location-db's state1). */
  readonly region: string | null;
  readonly city: string | null;
  /** Degrees; meaningful when hasLocation. */
  readonly lat: number;
  readonly lon: number;
  readonly hasLocation: boolean;
  readonly asn: number | null;
  readonly asnOrg: string | null;
}

export const EMPTY_RECORD: GeoRecord = {
  country: null, continent: null, region: null, city: null, lat: 0, lon: 0, hasLocation: false, asn: null, asnOrg: null,
};

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null ? (v as Obj) : undefined);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Reads MaxMind's layouts (GeoIP2/GeoLite2 City, Country, ASN: nested `country.iso_code`,
 * `location.latitude`...) and ip-location-db's flat ones (`country_code`, `latitude`, `state1`,
 * `autonomous_system_number`...).
 */
export function normalizeRecord(data: unknown): GeoRecord {
  const d = obj(data) ?? {};
  const country = str(obj(d.country)?.iso_code) ?? str(obj(d.registered_country)?.iso_code) ?? str(d.country_code);
  const loc = obj(d.location);
  const lat = num(loc?.latitude) ?? num(d.latitude);
  const lon = num(loc?.longitude) ?? num(d.longitude);
  const subdivision = obj(Array.isArray(d.subdivisions) ? (d.subdivisions as unknown[])[0] : undefined);
  const cityNames = obj(obj(d.city)?.names);
  return {
    country: country === null ? null : country.toUpperCase(),
    continent: str(obj(d.continent)?.code) ?? str(d.continent_code),
    region: str(subdivision?.iso_code) ?? str(d.state1),
    city: str(cityNames?.en) ?? str(d.city),
    lat: lat ?? 0,
    lon: lon ?? 0,
    hasLocation: lat !== null && lon !== null,
    asn: num(d.autonomous_system_number),
    asnOrg: str(d.autonomous_system_organization),
  };
}
