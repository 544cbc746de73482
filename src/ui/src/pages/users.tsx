import { useCallback, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api, G } from '../api';
import type { Role, User } from '../api';
import { useSession } from '../session';
import { Confirm, ErrorText, Field, Notice } from '../widgets';

const ROLES: Role[] = ['admin', 'operator', 'viewer'];

/** Users and roles (admin): create, change role and zones, delete. */
export function UsersPage() {
  const { user: me } = useSession();
  const [users, setUsers] = useState<User[]>([]);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [zones, setZones] = useState('');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [deleting, setDeleting] = useState<User | null>(null);
  const load = useCallback(async () => {
    try { setUsers(await api('GET', `${G}/users`)); } catch (e) { setError((e as Error).message); }
  }, []);
  useEffect(() => { void load(); }, [load]);
  const list = (v: string) => v.split(/[\s,]+/).filter(Boolean);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(''); setNotice('');
    try {
      await api('POST', `${G}/users`, { name, password, role, zones: list(zones) });
      setNotice(`User ${name} created.`);
      setName(''); setPassword(''); setZones('');
      await load();
    } catch (err) { setError((err as Error).message); }
  };
  const update = async (u: User, set: Partial<{ role: Role; zones: string[] }>) => {
    setError('');
    try { await api('PATCH', `${G}/users/${u.id}`, set); setNotice(`User ${u.name} changed.`); await load(); } catch (e) { setError((e as Error).message); }
  };
  const remove = async (u: User) => {
    setDeleting(null);
    try { await api('DELETE', `${G}/users/${u.id}`); setNotice(`User ${u.name} deleted.`); await load(); } catch (e) { setError((e as Error).message); }
  };
  return (
    <section>
      <h1>Users</h1>
      <ErrorText text={error} />
      <Notice text={notice} />
      <div className="table-wrap"><table>
        <thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Zones (operators)</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
        <tbody>{users.map((u) => (
          <tr key={u.id}>
            <td>{u.name}{u.id === me.id && <small className="badge">you</small>}</td>
            <td><label className="sr-only" htmlFor={`role-${u.id}`}>Role of {u.name}</label>
              <select id={`role-${u.id}`} value={u.role} onChange={(e) => void update(u, { role: e.target.value as Role })}>
                {ROLES.map((r) => <option key={r}>{r}</option>)}
              </select></td>
            <td><label className="sr-only" htmlFor={`zones-${u.id}`}>Zones of {u.name}</label>
              <input id={`zones-${u.id}`} defaultValue={u.zones.join(' ')} disabled={u.role !== 'operator'}
                onBlur={(e) => { if (e.target.value !== u.zones.join(' ')) void update(u, { zones: list(e.target.value) }); }} /></td>
            <td>{u.id !== me.id && <button type="button" className="danger small" aria-label={`Delete user ${u.name}`} onClick={() => setDeleting(u)}>Delete</button>}</td>
          </tr>
        ))}</tbody>
      </table></div>
      <form className="card" onSubmit={(e) => void create(e)} aria-labelledby="new-user">
        <h2 id="new-user">New user</h2>
        <Field label="User name" value={name} onChange={setName} required autoComplete="off" />
        <Field label="Password" type="password" value={password} onChange={setPassword} required autoComplete="new-password" hint="At least 10 characters." />
        <div className="field"><label htmlFor="new-role">Role</label>
          <select id="new-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select></div>
        {role === 'operator' && <Field label="Zones" value={zones} onChange={setZones} hint="Zones this operator may change, separated by spaces." />}
        <div className="actions"><button type="submit" className="primary">Create user</button></div>
      </form>
      {deleting && (
        <Confirm title={`Delete ${deleting.name}?`} confirm="Delete user" danger onCancel={() => setDeleting(null)} onConfirm={() => void remove(deleting)}>
          <p>Their sessions end and their API keys are revoked.</p>
        </Confirm>
      )}
    </section>
  );
}
