import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, ApiError, SERVER } from '../api';
import { ErrorText, Field } from '../widgets';
import { patchZone } from './zone';

export interface GeoEndpoint {
  name: string; address: string; lat?: number; lon?: number; weight?: number; priority?: number;
  check?: { type: string; port?: number; url?: string };
}
export interface GeoRule { rule: string; endpoints: GeoEndpoint[]; pick?: string; countries?: Record<string, string[]>; continents?: Record<string, string[]>; default?: string[] }

const RULES = [['closest', 'Closest endpoint to the client'], ['map', 'Countries/continents to endpoints'], ['weighted', 'Weighted random'], ['failover', 'Failover by priority']] as const;
const CHECKS = ['none', 'tcp', 'http', 'tls', 'heartbeat'];

/** The declarative geo record form (rule JSON compiled by the server's /geo/compile into a LUA record). */
export function GeoForm({ zone, initial, onSaved, onCancel }: {
  zone: string; initial?: { name: string; type: string; rule: GeoRule }; onSaved: (name: string) => void; onCancel: () => void;
}) {
  const rel = (n: string) => (n === zone ? '@' : n.endsWith(`.${zone}`) ? n.slice(0, -zone.length - 1) : n);
  const [name, setName] = useState(initial ? rel(initial.name) : '');
  const [type, setType] = useState(initial?.type ?? 'A');
  const [rule, setRule] = useState(initial?.rule.rule ?? 'closest');
  const [pick, setPick] = useState(initial?.rule.pick ?? 'all');
  const [eps, setEps] = useState<GeoEndpoint[]>(initial?.rule.endpoints ?? [{ name: '', address: '' }]);
  const [mapping, setMapping] = useState(initial ? JSON.stringify({ countries: initial.rule.countries, continents: initial.rule.continents, default: initial.rule.default }, null, 1) : '{}');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const setEp = (i: number, patch: Partial<GeoEndpoint>) => setEps((l) => l.map((e, j) => (j === i ? { ...e, ...patch } : e)));
  const num = (v: string) => (v.trim() === '' ? undefined : Number(v));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    let extra: Record<string, unknown> = {};
    try { extra = JSON.parse(mapping || '{}') as Record<string, unknown>; } catch { setErrors({ mapping: 'Not valid JSON.' }); return; }
    const body = { type, rule: { rule, pick, endpoints: eps.map((x) => ({ ...x, check: x.check?.type && x.check.type !== 'none' ? x.check : { type: 'none' } })), ...extra } };
    const owner = name.trim() === '' || name.trim() === '@' ? zone : name.endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.${zone}`;
    try {
      const c = await api<{ content: string }>('POST', `${SERVER}/geo/compile`, body);
      await patchZone(zone, [{ name: owner, type: 'LUA', changetype: 'REPLACE', ttl: 60, records: [{ content: c.content, disabled: false }] }]);
      onSaved(owner);
    } catch (err) {
      const msg = err instanceof ApiError ? err.message : String(err);
      const m = /^(?:rule\.)?endpoints\[(\d+)\]\.(\w+)/.exec(msg);
      setErrors(m ? { [`ep${m[1]}.${m[2]}`]: msg } : /countries|continents|default/.test(msg) ? { mapping: msg } : { form: msg });
    }
  };

  return (
    <form className="card" onSubmit={(e) => void save(e)} aria-labelledby="geo-form-title">
      <h3 id="geo-form-title">{initial ? `Edit ${initial.name}` : 'New geo record'}</h3>
      <div className="row">
        <Field label="Record name" value={name} onChange={setName} disabled={Boolean(initial)} hint={`Relative to ${zone}.`} />
        <div className="field"><label htmlFor="geo-type">Answers</label>
          <select id="geo-type" value={type} onChange={(e) => setType(e.target.value)}><option>A</option><option>AAAA</option></select></div>
        <div className="field"><label htmlFor="geo-rule">Rule</label>
          <select id="geo-rule" value={rule} onChange={(e) => setRule(e.target.value)}>{RULES.map(([k, l]) => <option key={k} value={k}>{l}</option>)}</select></div>
        <div className="field"><label htmlFor="geo-pick">Answer with</label>
          <select id="geo-pick" value={pick} onChange={(e) => setPick(e.target.value)}><option value="all">all chosen</option><option value="random">one at random</option><option value="hashed">one per client</option></select></div>
      </div>
      <fieldset>
        <legend>Endpoints</legend>
        {eps.map((ep, i) => (
          <div className="row record-row" key={i}>
            <Field label={`Name (endpoint ${i + 1})`} value={ep.name} onChange={(v) => setEp(i, { name: v })} error={errors[`ep${i}.name`]} />
            <Field label={`Address (endpoint ${i + 1})`} value={ep.address} onChange={(v) => setEp(i, { address: v })} error={errors[`ep${i}.address`]} />
            <Field label="Latitude" value={ep.lat?.toString() ?? ''} onChange={(v) => setEp(i, { lat: num(v) })} error={errors[`ep${i}.lat`]} />
            <Field label="Longitude" value={ep.lon?.toString() ?? ''} onChange={(v) => setEp(i, { lon: num(v) })} error={errors[`ep${i}.lon`]} />
            {rule === 'weighted' && <Field label="Weight" value={ep.weight?.toString() ?? ''} onChange={(v) => setEp(i, { weight: num(v) })} error={errors[`ep${i}.weight`]} />}
            {rule === 'failover' && <Field label="Priority" value={ep.priority?.toString() ?? ''} onChange={(v) => setEp(i, { priority: num(v) })} error={errors[`ep${i}.priority`]} />}
            <div className="field"><label htmlFor={`geo-check-${i}`}>Health check</label>
              <select id={`geo-check-${i}`} value={ep.check?.type ?? 'none'} onChange={(e) => setEp(i, { check: { ...ep.check, type: e.target.value } })}>
                {CHECKS.map((c) => <option key={c}>{c}</option>)}</select></div>
            {(ep.check?.type === 'tcp' || ep.check?.type === 'tls') && <Field label="Port" value={ep.check.port?.toString() ?? ''} onChange={(v) => setEp(i, { check: { ...ep.check!, port: num(v) } })} error={errors[`ep${i}.check`]} />}
            {ep.check?.type === 'http' && <Field label="URL" value={ep.check.url ?? ''} onChange={(v) => setEp(i, { check: { ...ep.check!, url: v } })} error={errors[`ep${i}.check`]} />}
            {eps.length > 1 && <button type="button" className="small" aria-label={`Remove endpoint ${i + 1}`} onClick={() => setEps((l) => l.filter((_, j) => j !== i))}>Remove</button>}
          </div>
        ))}
        <button type="button" className="small" onClick={() => setEps((l) => [...l, { name: '', address: '' }])}>Another endpoint</button>
      </fieldset>
      {rule === 'map' && <Field label="Countries, continents, default (JSON)" value={mapping} onChange={setMapping} multiline error={errors.mapping}
        hint='e.g. {"countries": {"DE": ["fra"]}, "continents": {"EU": ["fra"]}, "default": ["ams"]}' />}
      <ErrorText text={errors.form ?? ''} />
      <div className="actions"><button type="button" onClick={onCancel}>Cancel</button><button type="submit" className="primary">Save geo record</button></div>
    </form>
  );
}
