import type { TargetSpec } from '../health/index.js';
import { addressFromText, addressToText } from './address.js';
import type { Evaluation } from './evaluation.js';
import { endpointSpec } from './geo-rule.js';
import type { GeoEndpoint, GeoRule } from './geo-rule.js';
import { addressHash, weightedAt, weightSum } from './picks.js';
import type { Random } from './picks.js';

/** The health of a check, with overrides on names: > 0 up, 0 down, < 0 not checked yet. */
export type HealthOf = (spec: TargetSpec | null, names: string[]) => number;

export interface RuleOutcome {
  /** One address, or all of them (the LUA record's result). */
  result: string | string[];
  /** Which part of the rule decided, and why, for people (`geodesic geo whatif`). */
  why: string;
}

const EARTH_DIAMETER_KM = 12742;

/** Each endpoint's check, made once (the health plane then knows the object). */
const specs = new WeakMap<GeoEndpoint, { spec: TargetSpec | null; names: string[] }>();

/** Great-circle distance in km (haversine on a sphere of mean radius 6371 km). */
export function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const x = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return EARTH_DIAMETER_KM * Math.asin(Math.min(1, Math.sqrt(x)));
}

/**
 * Evaluates a declarative geo rule for the client of `ev` (its reads key the geo cache, as LUA's do).
 * The same decisions as the PowerDNS Lua the rule compiles to (geo-rule.ts).
 */
export function evaluateRule(rule: GeoRule, ev: Evaluation, health: HealthOf, random: Random): RuleOutcome {
  const state = new Map<GeoEndpoint, boolean>();
  const isUp = (e: GeoEndpoint): boolean => {
    let v = state.get(e);
    if (v === undefined) {
      let spec = specs.get(e);
      if (spec === undefined) {
        spec = { spec: endpointSpec(e), names: [e.name, canonical(e.address)] };
        specs.set(e, spec);
      }
      v = health(spec.spec, spec.names) > 0;
      state.set(e, v);
    }
    return v;
  };
  const all = rule.endpoints;
  const ups = (l: GeoEndpoint[]): GeoEndpoint[] => l.filter(isUp);
  const names = (l: GeoEndpoint[]): string => l.map((e) => e.name).join(', ');
  const addrs = (l: GeoEndpoint[]): string[] => l.map((e) => canonical(e.address));
  const downList = (l: GeoEndpoint[]): string => (l.length === 0 ? '' : `; down: ${names(l.filter((e) => !isUp(e)))}`);
  const down = (why: string): RuleOutcome => (rule.whenAllDown === 'empty'
    ? { result: [], why: `${why}; no endpoint is up: no answer (whenAllDown empty)` }
    : { result: addrs(all), why: `${why}; no endpoint is up: all endpoints (whenAllDown all)` });
  const give = (l: GeoEndpoint[], why: string): RuleOutcome => {
    const a = addrs(l);
    if (rule.pick === 'random') {
      const pick = a[random(a.length)]!;
      ev.random({ kind: 'one', items: a }, pick);
      return { result: pick, why: `${why}; one at random` };
    }
    if (rule.pick === 'hashed') {
      ev.readAddress();
      return { result: a[addressHash(ev.bestwho) % a.length]!, why: `${why}; one by client address hash` };
    }
    return { result: a, why };
  };

  switch (rule.rule) {
    case 'weighted': {
      const items = ups(all).filter((e) => (e.weight ?? 1) > 0).map((e): [number, string] => [e.weight ?? 1, canonical(e.address)]);
      if (items.length === 0) return down('weighted');
      const pick = weightedAt(items, random(weightSum(items)));
      ev.random({ kind: 'weighted', items }, pick);
      return { result: pick, why: `weighted over ${items.map(([w, a]) => `${a}×${w}`).join(', ')}${downList(all)}` };
    }
    case 'failover': {
      const u = ups(all);
      if (u.length === 0) return down(`failover${downList(all)}`);
      const best = Math.min(...u.map((e) => e.priority ?? 0));
      const level = u.filter((e) => (e.priority ?? 0) === best);
      return give(level, `failover: priority ${best} up: ${names(level)}${downList(all.filter((e) => (e.priority ?? 0) < best))}`);
    }
    case 'map': {
      const rec = ev.geoRecord();
      const cc = rec.country?.toUpperCase() ?? '--';
      const ct = rec.continent?.toUpperCase() ?? '--';
      const byName = (l: string[]): GeoEndpoint[] => l.flatMap((n) => all.filter((e) => e.name === n));
      const tries: Array<[string, string[]]> = [];
      const c = rule.countries?.[cc];
      if (c !== undefined) tries.push([`country ${cc}`, c]);
      const k = rule.continents?.[ct];
      if (k !== undefined) tries.push([`continent ${ct}`, k]);
      tries.push(['default', rule.default ?? []]);
      const skipped: string[] = [];
      for (const [label, l] of tries) {
        const list = l.length > 0 ? byName(l) : all;
        const u = ups(list);
        if (u.length > 0) return give(u, `map: ${label} → ${names(u)}${skipped.length > 0 ? ` (${skipped.join('; ')})` : ''}`);
        skipped.push(`${label}: ${names(list)} down`);
      }
      return down(`map: client ${cc}/${ct} (${skipped.join('; ')})`);
    }
    case 'closest': {
      const u = ups(all);
      if (u.length === 0) return down(`closest${downList(all)}`);
      const rec = ev.geoRecord();
      if (!rec.hasLocation || (rec.lat === 0 && rec.lon === 0)) {
        return { result: addrs(u), why: `closest: client location unknown → every endpoint up: ${names(u)}` };
      }
      let best: GeoEndpoint | null = null;
      let bd = Infinity;
      const dist: Array<[GeoEndpoint, number]> = [];
      const clat = Number(rec.lat.toFixed(6)); // as PowerDNS's latlon() prints it
      const clon = Number(rec.lon.toFixed(6));
      for (const e of u) {
        let lat = e.lat;
        let lon = e.lon;
        if (lat === undefined || lon === undefined) {
          const r = ev.recordOf(addressFromText(e.address));
          if (!r.hasLocation) { dist.push([e, NaN]); continue; }
          lat = Number(r.lat.toFixed(6));
          lon = Number(r.lon.toFixed(6));
        }
        const d = greatCircleKm(clat, clon, lat, lon) - (e.bias ?? 0);
        dist.push([e, d]);
        if (d < bd) { best = e; bd = d; }
      }
      if (best === null) return { result: addrs(u), why: 'closest: no endpoint has a location → every endpoint up' };
      const chosen = best;
      return {
        result: canonical(chosen.address),
        // built only when someone reads it (geo whatif), not on the answer path
        get why(): string {
          const parts = dist.map(([e, d]) => (Number.isNaN(d) ? `${e.name} location unknown` : `${e.name} ${Math.round(d)} km${e.bias ? ` (bias ${e.bias})` : ''}`));
          return `closest to client at ${rec.lat.toFixed(2)},${rec.lon.toFixed(2)}: ${chosen.name} (${parts.join(', ')})${downList(all)}`;
        },
      };
    }
  }
}

const canonicalText = new Map<string, string>();

function canonical(a: string): string {
  let c = canonicalText.get(a);
  if (c === undefined) {
    c = addressToText(addressFromText(a));
    if (canonicalText.size > 10_000) canonicalText.clear();
    canonicalText.set(a, c);
  }
  return c;
}
