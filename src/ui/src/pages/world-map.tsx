import { useMemo } from 'react';
import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import countries from 'world-atlas/countries-110m.json';

export interface Vantage { name: string; lat: number; lon: number; answer: string }
export interface Endpoint { address: string; lat?: number; lon?: number; healthy?: boolean }

const W = 960;
const H = 480;
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

/** The world (world-atlas, shipped in the bundle) with each vantage point coloured by the answer it gets. */
export function WorldMap({ vantages, endpoints, label }: { vantages: Vantage[]; endpoints: Endpoint[]; label: string }) {
  const { land, projection } = useMemo(() => {
    const topo = countries as unknown as Topology<{ countries: GeometryCollection }>;
    const geo = feature(topo, topo.objects.countries);
    const projection = geoNaturalEarth1().fitSize([W, H], geo);
    return { land: geoPath(projection)(geo) ?? '', projection };
  }, []);
  const answers = [...new Set(vantages.map((v) => v.answer))];
  const color = (a: string) => PALETTE[answers.indexOf(a) % PALETTE.length]!;
  return (
    <figure className="map">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <path d={land} className="land" />
        {endpoints.filter((e) => e.lat !== undefined && e.lon !== undefined).map((e) => {
          const p = projection([e.lon!, e.lat!]);
          return p && <rect key={e.address} x={p[0] - 6} y={p[1] - 6} width={12} height={12}
            className={e.healthy === false ? 'ep down' : 'ep'}><title>{e.address}{e.healthy === false ? ' (down)' : ''}</title></rect>;
        })}
        {vantages.map((v) => {
          const p = projection([v.lon, v.lat]);
          return p && <circle key={v.name} cx={p[0]} cy={p[1]} r={6} fill={color(v.answer)} stroke="#fff"><title>{v.name}: {v.answer}</title></circle>;
        })}
      </svg>
      {answers.length > 0 && (
        <figcaption>
          <ul className="legend">
            {answers.map((a) => <li key={a}><span className="swatch" style={{ background: color(a) }} aria-hidden="true" /> {a}</li>)}
          </ul>
        </figcaption>
      )}
    </figure>
  );
}
