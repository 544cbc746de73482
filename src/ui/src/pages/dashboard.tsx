import { useEffect, useRef, useState } from 'react';
import { text } from '../api';
import { NotAvailable } from '../widgets';

interface Sample { name: string; labels: Record<string, string>; value: number }

/** Prometheus text format → samples (comments skipped). */
export function parseMetrics(body: string): Sample[] {
  const out: Sample[] = [];
  for (const line of body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

function sumBy(samples: Sample[], name: string, label: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of samples) if (s.name === name) m.set(s.labels[label] ?? '', (m.get(s.labels[label] ?? '') ?? 0) + s.value);
  return m;
}

function Bars({ title, data, unit = '' }: { title: string; data: Map<string, number>; unit?: string }) {
  const rows = [...data].sort((a, b) => b[1] - a[1]).slice(0, 10);
  const max = Math.max(1, ...rows.map((r) => r[1]));
  return (
    <div className="card">
      <h2 className="h3">{title}</h2>
      {rows.length === 0 ? <p className="muted">Nothing yet.</p> : (
        <table className="bars"><tbody>
          {rows.map(([k, v]) => (
            <tr key={k}><th scope="row">{k || '(none)'}</th>
              <td><span className="bar" style={{ width: `${(v / max) * 70}%` }} aria-hidden="true" /> {Math.round(v * 10) / 10}{unit}</td></tr>
          ))}
        </tbody></table>
      )}
    </div>
  );
}

/** Queries per second, response codes, top zones, types and names, geo answers per endpoint, health targets,
 * from the server's /metrics. */
export function DashboardPage() {
  const [samples, setSamples] = useState<Sample[] | null | undefined>(undefined);
  const [qps, setQps] = useState<number | null>(null);
  const last = useRef<{ t: number; total: number } | null>(null);
  useEffect(() => {
    let stop = false;
    const tick = async () => {
      const body = await text('/metrics').catch(() => null);
      if (stop) return;
      if (body === null) { setSamples(null); return; }
      const s = parseMetrics(body);
      const total = s.filter((x) => x.name === 'geodesic_dns_queries_total').reduce((a, x) => a + x.value, 0);
      const t = Date.now();
      if (last.current) setQps(Math.max(0, (total - last.current.total) / ((t - last.current.t) / 1000)));
      last.current = { t, total };
      setSamples(s);
    };
    void tick();
    const first = setTimeout(() => void tick(), 1000); // a rate needs two samples: the first one soon
    const id = setInterval(() => void tick(), 5000);
    return () => { stop = true; clearTimeout(first); clearInterval(id); };
  }, []);
  return (
    <section>
      <h1>Dashboard</h1>
      {samples === undefined && <p aria-busy="true">Loading…</p>}
      {samples === null && <NotAvailable what="Metrics (/metrics on this listener)" />}
      {samples && (
        <>
          <div className="stats">
            <div className="card stat"><span className="big">{qps === null ? '…' : qps.toFixed(1)}</span> queries per second</div>
            <div className="card stat"><span className="big">{samples.find((x) => x.name === 'geodesic_zones')?.value ?? '–'}</span> zones served</div>
            <div className="card stat"><span className="big">{samples.filter((x) => x.name === 'geodesic_dns_queries_total').reduce((a, x) => a + x.value, 0)}</span> queries since start</div>
          </div>
          <div className="grid">
            <Bars title="Response codes" data={sumBy(samples, 'geodesic_dns_queries_total', 'rcode')} />
            <Bars title="Top zones" data={sumBy(samples, 'geodesic_dns_queries_total', 'zone')} />
            <Bars title="Query types" data={sumBy(samples, 'geodesic_dns_queries_total', 'type')} />
            <Bars title="Top names (estimated)" data={sumBy(samples, 'geodesic_dns_top_names', 'name')} />
            <Bars title="Geo answers per endpoint" data={sumBy(samples, 'geodesic_geo_answers_total', 'answer')} />
            <Bars title="Health targets up (1) / down (0)" data={new Map(samples.filter((x) => x.name === 'geodesic_health_target_up').map((x) => [x.labels.target ?? x.labels.name ?? '', x.value]))} />
          </div>
        </>
      )}
    </section>
  );
}
