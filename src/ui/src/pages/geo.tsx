import { useEffect, useState } from 'react';
import { api, ApiError, enc, G, optional, SERVER } from '../api';
import type { RRset } from '../api';
import { ErrorText, Field, NotAvailable, Notice } from '../widgets';
import { formFor, luaSyntaxProblem } from './record-types';
import { GeoForm } from './geo-form';
import type { GeoEndpoint, GeoRule } from './geo-form';
import { WorldMap } from './world-map';
import type { Endpoint, Vantage } from './world-map';
import { patchZone } from './zone';

interface GeoView { vantages: { name: string; network: string; answer: string }[] }
interface Parsed { type: string; rule: GeoRule | null }
interface HealthTarget { names?: string[]; effective?: string; state?: string }

/** Approximate coordinates of the vantage cities (src/cli/geo-vantage.ts), for the map. */
const CITY: Record<string, [number, number]> = {
  'Los Angeles, US': [34.05, -118.24], 'Chicago, US': [41.88, -87.63], 'Toronto, CA': [43.65, -79.38], 'Mexico City, MX': [19.43, -99.13],
  'Sao Paulo, BR': [-23.55, -46.63], 'Buenos Aires, AR': [-34.6, -58.38], 'London, GB': [51.51, -0.13], 'Amsterdam, NL': [52.37, 4.9],
  'Paris, FR': [48.86, 2.35], 'Frankfurt, DE': [50.11, 8.68], 'Stockholm, SE': [59.33, 18.07], 'Moscow, RU': [55.76, 37.62],
  'Istanbul, TR': [41.01, 28.98], 'Cairo, EG': [30.04, 31.24], 'Lagos, NG': [6.52, 3.38], 'Johannesburg, ZA': [-26.2, 28.05],
  'Dubai, AE': [25.2, 55.27], 'Mumbai, IN': [19.08, 72.88], 'Singapore, SG': [1.35, 103.82], 'Jakarta, ID': [-6.2, 106.85],
  'Beijing, CN': [39.9, 116.41], 'Seoul, KR': [37.57, 126.98], 'Tokyo, JP': [35.68, 139.69], 'Sydney, AU': [-33.87, 151.21], 'Auckland, NZ': [-36.85, 174.76],
};

/**
 * Geo records of a zone: the map of what vantage points around the world get for a name (real answers of
 * this server, asked with each city's network as ECS), the declarative geo form, and the raw LUA editor
 * (only when LUA records are on).
 */
export function GeoTab({ zone, writable, luaEnabled }: { zone: string; writable: boolean; luaEnabled: boolean }) {
  const [records, setRecords] = useState<RRset[]>([]);
  const [parsed, setParsed] = useState<Map<string, Parsed> | null>(new Map());
  const [chosen, setChosen] = useState('');
  const [view, setView] = useState<GeoView | null | undefined>(undefined);
  const [health, setHealth] = useState<HealthTarget[]>([]);
  const [editing, setEditing] = useState<{ name: string; type: string; rule: GeoRule } | 'new' | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [version, setVersion] = useState(0);
  useEffect(() => {
    api<{ rrsets: RRset[] }>('GET', `${G}/zones/${enc(zone)}/rrsets?type=LUA&limit=500`).then(async (p) => {
      setRecords(p.rrsets);
      if (p.rrsets[0]) { const first = p.rrsets[0].name; setChosen((c) => c || first); }
      const m = new Map<string, Parsed>();
      for (const r of p.rrsets) {
        try { m.set(r.name, await api<Parsed>('POST', `${SERVER}/geo/parse`, { content: r.records[0]?.content ?? '' })); } catch (e) {
          if (e instanceof ApiError && (e.status === 404 || e.status === 501)) { setParsed(null); return; }
        }
      }
      setParsed(m);
    }, (e: Error) => setError(e.message));
    optional<{ targets: HealthTarget[] }>(`${SERVER}/health`).then((h) => setHealth(h?.targets ?? []), () => setHealth([]));
  }, [zone, version]);
  useEffect(() => {
    if (!chosen) return;
    const rr = records.find((r) => r.name === chosen);
    const qtype = parsed?.get(chosen)?.type ?? (rr ? (formFor('LUA').split(rr.records[0]?.content ?? '').rtype ?? 'A') : 'A');
    setView(undefined);
    optional<GeoView>(`${G}/zones/${enc(zone)}/geo-map?name=${encodeURIComponent(chosen)}&type=${qtype}`)
      .then(setView, (e: Error) => { setError(e.message); setView(null); });
  }, [chosen, records, parsed, zone]);

  const rule = parsed?.get(chosen)?.rule ?? null;
  const stateOf = (ep: GeoEndpoint): boolean | undefined => {
    const t = health.find((h) => h.names?.includes(ep.name));
    return t === undefined ? undefined : (t.effective ?? t.state) === 'up';
  };
  const endpoints: Endpoint[] = (rule?.endpoints ?? []).map((ep) => ({ address: `${ep.name} ${ep.address}`, lat: ep.lat, lon: ep.lon, healthy: stateOf(ep) }));
  const vantages: Vantage[] = (view?.vantages ?? []).filter((v) => CITY[v.name]).map((v) => ({ name: v.name, lat: CITY[v.name]![0], lon: CITY[v.name]![1], answer: v.answer }));
  const declarative = [...(parsed?.entries() ?? [])].filter(([, p]) => p.rule !== null);

  return (
    <div>
      <ErrorText text={error} />
      <Notice text={notice} />
      <h2 className="h3">Who gets what</h2>
      {records.length > 0 && (
        <div className="field">
          <label htmlFor="geo-name">Geo record</label>
          <select id="geo-name" value={chosen} onChange={(e) => setChosen(e.target.value)}>
            {records.map((r) => <option key={r.name} value={r.name}>{r.name}</option>)}
          </select>
        </div>
      )}
      <WorldMap vantages={vantages} endpoints={endpoints} label={`World map of the answers for ${chosen || zone}`} />
      {view === null && <NotAvailable what="The answers per vantage point" />}
      {view && view.vantages.length > 0 && (
        <details>
          <summary>Answers as a table</summary>
          <div className="table-wrap"><table><thead><tr><th scope="col">Vantage point</th><th scope="col">Network</th><th scope="col">Answer</th></tr></thead>
            <tbody>{view.vantages.map((v) => <tr key={v.name}><td>{v.name}</td><td>{v.network}</td><td>{v.answer}</td></tr>)}</tbody></table></div>
        </details>
      )}
      {rule && (
        <div className="table-wrap"><table><caption className="sr-only">Endpoints of {chosen}</caption>
          <thead><tr><th scope="col">Endpoint</th><th scope="col">Address</th><th scope="col">Health</th></tr></thead>
          <tbody>{rule.endpoints.map((ep) => { const h = stateOf(ep); return <tr key={ep.name}><td>{ep.name}</td><td>{ep.address}</td><td>{h === undefined ? 'not checked' : h ? 'up' : 'down'}</td></tr>; })}</tbody>
        </table></div>
      )}
      <h2 className="h3">Declarative geo records</h2>
      {parsed === null ? <NotAvailable what="The declarative geo record form" /> : (
        <>
          {declarative.length === 0 && <p className="muted">None yet.</p>}
          <ul>{declarative.map(([n, p]) => (
            <li key={n}>{n} ({p.rule!.rule}, {p.rule!.endpoints.length} endpoints)
              {writable && <button type="button" className="small" aria-label={`Edit geo record ${n}`} onClick={() => setEditing({ name: n, type: p.type, rule: p.rule! })}>Edit</button>}</li>
          ))}</ul>
          {writable && editing === null && <button type="button" onClick={() => setEditing('new')}>New geo record</button>}
          {editing !== null && <GeoForm zone={zone} initial={editing === 'new' ? undefined : editing} onCancel={() => setEditing(null)}
            onSaved={(n) => { setEditing(null); setNotice(`Saved geo record ${n}.`); setChosen(n); setVersion((v) => v + 1); }} />}
        </>
      )}
      {luaEnabled
        ? <LuaEditor zone={zone} writable={writable} records={records} onSaved={(n) => { setChosen(n); setVersion((v) => v + 1); }} />
        : <p className="muted">LUA records are off in the settings, so the raw LUA editor is hidden.</p>}
    </div>
  );
}

function LuaEditor({ zone, writable, records, onSaved }: { zone: string; writable: boolean; records: RRset[]; onSaved: (name: string) => void }) {
  const [name, setName] = useState(records[0]?.name ?? '');
  const [rtype, setRtype] = useState('A');
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState('');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  useEffect(() => {
    const r = records.find((x) => x.name === name);
    if (r?.records[0]) { const v = formFor('LUA').split(r.records[0].content); setRtype(v.rtype ?? 'A'); setCode(v.code ?? ''); }
  }, [name, records]);
  const check = async (): Promise<boolean> => {
    const local = luaSyntaxProblem(code);
    if (local) { setProblem(local); return false; }
    const server = await api<{ ok: boolean; error?: string }>('POST', `${G}/lua-check`, { code }).catch(() => null);
    setProblem(server && !server.ok ? server.error ?? 'syntax error' : '');
    return !server || server.ok;
  };
  const save = async () => {
    setError(''); setNotice('');
    if (!(await check())) return;
    const owner = name.endsWith('.') ? name : `${name}.${zone}`;
    try {
      await patchZone(zone, [{ name: owner, type: 'LUA', changetype: 'REPLACE', ttl: 60,
        records: [{ content: formFor('LUA').join({ rtype, code }), disabled: false }] }]);
      setNotice(`Saved LUA record ${owner}.`);
      onSaved(owner);
    } catch (e) { setError((e as Error).message); }
  };
  return (
    <div className="card">
      <h2 className="h3">Raw LUA editor</h2>
      <Field label="Name" value={name} onChange={setName} disabled={!writable} hint={`Relative to ${zone} or absolute.`} />
      <div className="field">
        <label htmlFor="lua-rtype">Answer type</label>
        <select id="lua-rtype" value={rtype} onChange={(e) => setRtype(e.target.value)} disabled={!writable}>
          {['A', 'AAAA', 'CNAME', 'TXT'].map((t) => <option key={t}>{t}</option>)}
        </select>
      </div>
      <Field label="LUA code" value={code} onChange={(v) => { setCode(v); setProblem(''); }} multiline error={problem}
        disabled={!writable} hint="e.g. pickclosest({'192.0.2.1','198.51.100.1'}) or ifportup(443, {...})" />
      <ErrorText text={error} />
      <Notice text={notice} />
      {writable && <div className="actions"><button type="button" onClick={() => void check()}>Check syntax</button>
        <button type="button" className="primary" onClick={() => void save()}>Save LUA record</button></div>}
    </div>
  );
}
