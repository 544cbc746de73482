import { useCallback, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api, G, setCsrf } from '../api';
import type { ApiKeyInfo } from '../api';
import { useSession } from '../session';
import { Confirm, ErrorText, Field, Notice, when } from '../widgets';

/** Your account: password, API keys (with scopes), and log out everywhere. */
export function AccountPage() {
  const { user, refresh } = useSession();
  const [keys, setKeys] = useState<(ApiKeyInfo & { hint?: string; scopes?: unknown })[]>([]);
  const [keyName, setKeyName] = useState('');
  const [keyZones, setKeyZones] = useState('');
  const [keyTypes, setKeyTypes] = useState('');
  const [keyNames, setKeyNames] = useState('');
  const [readOnly, setReadOnly] = useState(user.role === 'viewer');
  const [newKey, setNewKey] = useState('');
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [confirmAll, setConfirmAll] = useState(false);
  const load = useCallback(async () => {
    try { setKeys(await api('GET', `${G}/users/${user.id}/keys`)); } catch (e) { setError((e as Error).message); }
  }, [user.id]);
  useEffect(() => { void load(); }, [load]);
  const list = (v: string) => v.split(/[\s,]+/).filter(Boolean);

  const makeKey = async (e: FormEvent) => {
    e.preventDefault();
    setError(''); setNewKey('');
    const scope: Record<string, unknown> = { readOnly };
    if (list(keyZones).length) scope.zones = list(keyZones).map((z) => (z.endsWith('.') ? z : `${z}.`));
    if (list(keyTypes).length) scope.types = list(keyTypes);
    if (list(keyNames).length) scope.names = list(keyNames);
    try {
      const r = await api<{ key: string }>('POST', `${G}/users/${user.id}/keys`, { name: keyName, scopes: [scope] });
      setNewKey(r.key);
      setKeyName('');
      await load();
    } catch (err) { setError((err as Error).message); }
  };
  const revoke = async (id: number) => {
    try { await api('DELETE', `${G}/users/${user.id}/keys/${id}`); await load(); } catch (e) { setError((e as Error).message); }
  };
  const changePassword = async (e: FormEvent) => {
    e.preventDefault();
    setError(''); setNotice('');
    try {
      const r = await api<{ csrf: string }>('POST', `${G}/auth/password`, { current, password });
      setCsrf(r.csrf);
      setCurrent(''); setPassword('');
      setNotice('Password changed; your other sessions were signed out.');
    } catch (err) { setError((err as Error).message); }
  };
  const logoutAll = async () => {
    setConfirmAll(false);
    await api('POST', `${G}/auth/logout-all`).catch(() => undefined);
    await refresh();
  };

  return (
    <section>
      <h1>Your account</h1>
      <p>{user.name}, {user.role}{user.role === 'operator' ? ` of ${user.zones.join(', ') || 'no zone yet'}` : ''}.</p>
      <ErrorText text={error} />
      <Notice text={notice} />
      <h2>API keys</h2>
      <p className="muted">Keys act for you in scripts (header X-API-Key), never beyond your role.</p>
      {keys.length > 0 && (
        <div className="table-wrap"><table>
          <thead><tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Scopes</th><th scope="col">Created</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>{keys.map((k) => (
            <tr key={k.id}><td>{k.name}</td><td><code>{k.hint}</code></td><td><code>{JSON.stringify(k.scopes)}</code></td><td>{when(k.createdAt)}</td>
              <td><button type="button" className="danger small" aria-label={`Revoke key ${k.name}`} onClick={() => void revoke(k.id)}>Revoke</button></td></tr>
          ))}</tbody>
        </table></div>
      )}
      {newKey && <div className="card notice" role="status"><p>Your new key (shown once, copy it now):</p><code className="key">{newKey}</code></div>}
      <form className="card" onSubmit={(e) => void makeKey(e)} aria-labelledby="key-title">
        <h3 id="key-title">New key</h3>
        <Field label="Key name" value={keyName} onChange={setKeyName} required />
        <Field label="Only these zones" value={keyZones} onChange={setKeyZones} hint="Empty: all zones you may use." />
        <Field label="Only these names" value={keyNames} onChange={setKeyNames} hint="e.g. _acme-challenge.* (a * label is one or more labels)." />
        <Field label="Only these types" value={keyTypes} onChange={setKeyTypes} hint="e.g. TXT" />
        <div className="check"><input id="key-ro" type="checkbox" checked={readOnly} disabled={user.role === 'viewer'} onChange={(e) => setReadOnly(e.target.checked)} />
          <label htmlFor="key-ro">Read only</label></div>
        <div className="actions"><button type="submit" className="primary">Create key</button></div>
      </form>
      <h2>Password</h2>
      <form className="card" onSubmit={(e) => void changePassword(e)}>
        <Field label="Current password" type="password" value={current} onChange={setCurrent} autoComplete="current-password" required />
        <Field label="New password" type="password" value={password} onChange={setPassword} autoComplete="new-password" required hint="At least 10 characters." />
        <div className="actions"><button type="submit">Change password</button></div>
      </form>
      <h2>Sessions</h2>
      <button type="button" className="danger" onClick={() => setConfirmAll(true)}>Log out everywhere</button>
      {confirmAll && (
        <Confirm title="Log out everywhere?" confirm="Log out everywhere" danger onCancel={() => setConfirmAll(false)} onConfirm={() => void logoutAll()}>
          <p>Every browser signed in as {user.name}, this one included, is signed out.</p>
        </Confirm>
      )}
    </section>
  );
}
