import { useEffect, useState } from 'react';
import { api, enc, G, optional } from '../api';
import type { RRset } from '../api';
import { ErrorText, Field, NotAvailable, Notice } from '../widgets';
import { formFor, luaSyntaxProblem } from './record-types';
import { WorldMap } from './world-map';
import type { Endpoint, Vantage } from './world-map';
import { patchZone } from './zone';

interface GeoView { vantages: Vantage[]; endpoints: Endpoint[] }
interface GeoRecordForm { fields: unknown }

/**
 * Geo records of a zone: the map of what vantage points around the world get for a name, the raw LUA
 * editor (only when LUA records are on), and the declarative geo form once the server offers it.
 */
export function GeoTab({ zone, writable, luaEnabled }: { zone: string; writable: boolean; luaEnabled: boolean }) {
  const [records, setRecords] = useState<RRset[]>([]);
  const [chosen, setChosen] = useState('');
  const [view, setView] = useState<GeoView | null | undefined>(undefined);
  const [declarative, setDeclarative] = useState<GeoRecordForm | null | undefined>(undefined);
  const [error, setError] = useState('');
  useEffect(() => {
    api<{ rrsets: RRset[] }>('GET', `${G}/zones/${enc(zone)}/rrsets?type=LUA&limit=500`)
      .then((p) => { setRecords(p.rrsets); if (p.rrsets[0]) setChosen(`${p.rrsets[0].name}|${p.rrsets[0].type}`); }, (e: Error) => setError(e.message));
    optional<GeoRecordForm>(`${G}/zones/${enc(zone)}/geo-records`).then(setDeclarative, () => setDeclarative(null));
  }, [zone]);
  useEffect(() => {
    if (!chosen) return;
    const rr = records.find((r) => `${r.name}|${r.type}` === chosen);
    const qtype = rr ? (formFor('LUA').split(rr.records[0]?.content ?? '').rtype ?? 'A') : 'A';
    setView(undefined);
    optional<GeoView>(`${G}/zones/${enc(zone)}/geo-map?name=${encodeURIComponent(chosen.split('|')[0]!)}&type=${qtype}`)
      .then(setView, (e: Error) => { setError(e.message); setView(null); });
  }, [chosen, records, zone]);

  return (
    <div>
      <ErrorText text={error} />
      <h2 className="h3">Who gets what</h2>
      {records.length > 0 && (
        <div className="field">
          <label htmlFor="geo-name">Geo record</label>
          <select id="geo-name" value={chosen} onChange={(e) => setChosen(e.target.value)}>
            {records.map((r) => <option key={`${r.name}|${r.type}`} value={`${r.name}|${r.type}`}>{r.name} {r.type}</option>)}
          </select>
        </div>
      )}
      <WorldMap vantages={view?.vantages ?? []} endpoints={view?.endpoints ?? []} label={`World map of the answers for ${chosen.split('|')[0] || zone}`} />
      {view === null && <NotAvailable what="The answers per vantage point" />}
      {view && view.vantages.length > 0 && (
        <details>
          <summary>Answers as a table</summary>
          <table><thead><tr><th scope="col">Vantage point</th><th scope="col">Answer</th></tr></thead>
            <tbody>{view.vantages.map((v) => <tr key={v.name}><td>{v.name}</td><td>{v.answer}</td></tr>)}</tbody></table>
        </details>
      )}
      <h2 className="h3">Declarative geo records</h2>
      {declarative === null || declarative === undefined ? <NotAvailable what="The declarative geo record form" /> : <p>Edit geo records in the form.</p>}
      {luaEnabled
        ? <LuaEditor zone={zone} writable={writable} records={records} />
        : <p className="muted">LUA records are off on this server (Settings → LUA records), so the raw LUA editor is hidden.</p>}
    </div>
  );
}

function LuaEditor({ zone, writable, records }: { zone: string; writable: boolean; records: RRset[] }) {
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
    const server = await optional<{ ok: boolean; error?: string }>(`${G}/lua-check?code=${encodeURIComponent(code)}`).catch(() => null);
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
