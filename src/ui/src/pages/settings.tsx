import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api, G } from '../api';
import type { Settings } from '../api';
import { ErrorText, Field, Notice } from '../widgets';

interface Full extends Settings { proxyHeader: string; proxyNetworks: string[] }

/** Admin settings: sign-up, record types offered, LUA records, SOA and NS defaults, trusted proxy login. */
export function SettingsPage() {
  const [s, setS] = useState<Full | null>(null);
  const [types, setTypes] = useState('');
  const [ns, setNs] = useState('');
  const [nets, setNets] = useState('');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const take = (x: Full) => { setS(x); setTypes(x.recordTypes.join(' ')); setNs(x.defaultNameservers.join(' ')); setNets(x.proxyNetworks.join(' ')); };
  useEffect(() => { api<Full>('GET', `${G}/settings`).then(take, (e: Error) => setError(e.message)); }, []);
  if (!s) return <section><h1>Settings</h1><ErrorText text={error} /></section>;
  const split = (v: string) => v.split(/[\s,]+/).filter(Boolean);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(''); setNotice('');
    try {
      take(await api<Full>('PATCH', `${G}/settings`, {
        allowSignup: s.allowSignup, luaRecords: s.luaRecords, recordTypes: split(types), defaultNameservers: split(ns),
        defaultSoa: s.defaultSoa, proxyHeader: s.proxyHeader, proxyNetworks: split(nets),
      }));
      setNotice('Settings saved.');
    } catch (err) { setError((err as Error).message); }
  };
  return (
    <section>
      <h1>Settings</h1>
      <form className="card" onSubmit={(e) => void save(e)}>
        <fieldset>
          <legend>Accounts</legend>
          <div className="check"><input id="s-signup" type="checkbox" checked={s.allowSignup} onChange={(e) => setS({ ...s, allowSignup: e.target.checked })} />
            <label htmlFor="s-signup">Allow sign-up (new accounts are viewers)</label></div>
          <Field label="Trusted proxy header" value={s.proxyHeader} onChange={(v) => setS({ ...s, proxyHeader: v })}
            hint="e.g. X-Forwarded-User (oauth2-proxy). Empty: off." />
          <Field label="Trusted proxy networks" value={nets} onChange={setNets} hint="Addresses or CIDRs the header is believed from." />
        </fieldset>
        <fieldset>
          <legend>Zone records</legend>
          <Field label="Record types offered" value={types} onChange={setTypes} hint="Separated by spaces." />
          <div className="check"><input id="s-lua" type="checkbox" checked={s.luaRecords} onChange={(e) => setS({ ...s, luaRecords: e.target.checked })} />
            <label htmlFor="s-lua">LUA records (the server answers them only when started with --enable-lua-records)</label></div>
        </fieldset>
        <fieldset>
          <legend>New zones</legend>
          <Field label="Default name servers" value={ns} onChange={setNs} hint="The NS set of a new zone." />
          <Field label="Default SOA" value={s.defaultSoa} onChange={(v) => setS({ ...s, defaultSoa: v })}
            hint="mname rname serial refresh retry expire minimum; @ stands for the zone (PowerDNS default-soa-content)." />
        </fieldset>
        <ErrorText text={error} />
        <Notice text={notice} />
        <div className="actions"><button type="submit" className="primary">Save settings</button></div>
      </form>
    </section>
  );
}
