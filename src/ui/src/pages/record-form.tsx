import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../api';
import type { RRset } from '../api';
import { ErrorText, Field } from '../widgets';
import { COMMON_TYPES, errorField, formFor, luaSyntaxProblem } from './record-types';

export interface RRsetDraft { name: string; type: string; ttl: number; contents: string[]; disabled: boolean[]; comment: string }

export function draftOf(r: RRset): RRsetDraft {
  return {
    name: r.name, type: r.type, ttl: r.ttl, contents: r.records.map((x) => x.content),
    disabled: r.records.map((x) => x.disabled), comment: r.comments[0]?.content ?? '',
  };
}

/**
 * One RRset in a type-aware form. `onSave` gets the finished RRset (names made absolute, contents joined);
 * it throws the API's error, which is shown at the field it is about.
 */
export function RecordForm(props: {
  zone: string; initial?: RRsetDraft; types?: string[]; luaEnabled: boolean;
  onSave: (d: RRsetDraft) => Promise<void>; onCancel: () => void;
}) {
  const editing = Boolean(props.initial);
  const zone = props.zone;
  const rel = (n: string) => (n === zone ? '@' : n.endsWith(`.${zone}`) ? n.slice(0, -zone.length - 1) : n);
  const [name, setName] = useState(props.initial ? rel(props.initial.name) : '');
  const [type, setType] = useState(props.initial?.type ?? 'A');
  const [ttl, setTtl] = useState(String(props.initial?.ttl ?? 3600));
  const [values, setValues] = useState<Record<string, string>[]>(
    (props.initial?.contents.length ? props.initial.contents : ['']).map((c) => (c ? formFor(props.initial?.type ?? 'A').split(c) : {})));
  const [comment, setComment] = useState(props.initial?.comment ?? '');
  const [off, setOff] = useState<boolean[]>(props.initial?.disabled ?? []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const tf = formFor(type);
  const allTypes = (props.types ?? COMMON_TYPES).filter((t) => t !== 'LUA' || props.luaEnabled);
  const absName = (): string => {
    const n = name.trim();
    if (n === '' || n === '@') return zone;
    return n.endsWith('.') ? n.toLowerCase() : `${n.toLowerCase()}.${zone}`;
  };
  const setPart = (i: number, key: string, v: string) => setValues((vs) => vs.map((x, j) => (j === i ? { ...x, [key]: v } : x)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const t = Number(ttl);
    if (!Number.isInteger(t) || t < 0 || t > 2147483647) errs.ttl = 'TTL is a whole number of seconds (0 to 2147483647).';
    const contents = values.map((v) => tf.join(v));
    if (type === 'LUA') {
      values.forEach((v, i) => { const p = luaSyntaxProblem(v.code ?? ''); if (p) errs[`content${i}`] = `LUA: ${p}`; });
    }
    contents.forEach((c, i) => { if (!c.trim()) errs[`content${i}`] = 'Content is empty.'; });
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      await props.onSave({ name: absName(), type, ttl: t, contents, disabled: contents.map((_, i) => off[i] ?? false), comment });
    } catch (err) {
      const msg = err instanceof ApiError || err instanceof Error ? err.message : String(err);
      const f = errorField(msg);
      // The API quotes the record it refuses ("Record www.example.org./A '300.1.2.3': ..."): show it there.
      const at = Math.max(0, contents.findIndex((c) => msg.includes(`'${c}'`)));
      setErrors(f === 'content' ? { [`content${at}`]: msg } : { [f]: msg });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card record-form" onSubmit={(e) => void submit(e)} aria-label={editing ? `Edit ${props.initial!.name} ${type}` : 'Add record'}>
      <div className="row">
        <Field label="Name" value={name} onChange={setName} disabled={editing} error={errors.name}
          hint={`Relative to ${zone}; @ is the apex.`} />
        <div className={`field${errors.type ? ' invalid' : ''}`}>
          <label htmlFor="rr-type">Type</label>
          <select id="rr-type" value={type} disabled={editing} aria-describedby={errors.type ? 'rr-type-err' : undefined}
            onChange={(e) => { setType(e.target.value); setValues([{}]); }}>
            {allTypes.map((t) => <option key={t}>{t}</option>)}
          </select>
          {errors.type && <small id="rr-type-err" className="field-error" role="alert">{errors.type}</small>}
        </div>
        <Field label="TTL" value={ttl} onChange={setTtl} inputMode="numeric" error={errors.ttl} />
      </div>
      <fieldset>
        <legend>Records</legend>
        {values.map((v, i) => (
          <div className="row record-row" key={i}>
            {tf.parts.map((p, k) => {
              const err = k === tf.parts.length - 1 ? errors[`content${i}`] : undefined;
              const label = values.length > 1 ? `${p.label} (record ${i + 1})` : p.label;
              if (p.kind === 'select') {
                return (
                  <div className="field" key={p.key}>
                    <label htmlFor={`rr-${i}-${p.key}`}>{label}</label>
                    <select id={`rr-${i}-${p.key}`} value={v[p.key] ?? p.options![0]} onChange={(e) => setPart(i, p.key, e.target.value)}>
                      {p.options!.map((o) => <option key={o}>{o}</option>)}
                    </select>
                  </div>
                );
              }
              return <Field key={p.key} label={label} value={v[p.key] ?? ''} onChange={(x) => setPart(i, p.key, x)}
                multiline={p.kind === 'code'} inputMode={p.kind === 'number' ? 'numeric' : undefined} hint={i === 0 ? p.hint : undefined}
                error={err} />;
            })}
            <div className="check">
              <input id={`rr-off-${i}`} type="checkbox" checked={off[i] ?? false}
                onChange={(e) => setOff((o) => { const n = [...o]; n[i] = e.target.checked; return n; })} />
              <label htmlFor={`rr-off-${i}`}>Disabled{values.length > 1 ? ` (record ${i + 1})` : ''}</label>
            </div>
            {values.length > 1 && (
              <button type="button" className="small" aria-label={`Remove record ${i + 1}`}
                onClick={() => { setValues((vs) => vs.filter((_, j) => j !== i)); setOff((o) => o.filter((_, j) => j !== i)); }}>Remove</button>
            )}
          </div>
        ))}
        <button type="button" className="small" onClick={() => setValues((vs) => [...vs, {}])}>Another record</button>
      </fieldset>
      <Field label="Comment" value={comment} onChange={setComment} hint="Kept with the RRset (PowerDNS comments)." />
      <ErrorText text={errors.form ?? ''} />
      <div className="actions">
        <button type="button" onClick={props.onCancel}>Cancel</button>
        <button type="submit" className="primary" disabled={busy}>Save</button>
      </div>
    </form>
  );
}
