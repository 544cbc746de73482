import { useCallback, useEffect, useState } from 'react';
import { api, G, onUnauthorized, setCsrf } from './api';
import type { SessionState } from './api';
import { Link, navigate, usePath } from './router';
import { Session } from './session';
import { LoginPage } from './pages/login';
import { ZonesPage } from './pages/zones';
import { ZonePage } from './pages/zone';
import { DashboardPage } from './pages/dashboard';
import { SettingsPage } from './pages/settings';
import { AccountPage } from './pages/account';
import { UsersPage } from './pages/users';
import { ReplicationPage } from './pages/replication';
import { ErrorText } from './widgets';

const NAV: { href: string; label: string; admin?: boolean }[] = [
  { href: '/', label: 'Dashboard' },
  { href: '/zones', label: 'Zones' },
  { href: '/replication', label: 'Replication' },
  { href: '/settings', label: 'Settings', admin: true },
  { href: '/users', label: 'Users', admin: true },
  { href: '/account', label: 'Account' },
];

export function App() {
  const [state, setState] = useState<SessionState | null>(null);
  const [error, setError] = useState('');
  const path = usePath();

  const refresh = useCallback(async () => {
    try {
      const s = await api<SessionState>('GET', `${G}/auth/session`);
      setCsrf(s.csrf ?? '');
      setState(s);
      setError('');
    } catch (e) {
      setError(`The server did not answer: ${(e as Error).message}`);
    }
  }, []);
  useEffect(() => { void refresh(); onUnauthorized(() => void refresh()); }, [refresh]);

  if (error) return <main className="center"><h1>Geodesic</h1><ErrorText text={error} /></main>;
  if (!state) return <main className="center" aria-busy="true"><p>Loading…</p></main>;
  if (!state.user) return <LoginPage state={state} onDone={refresh} />;

  const user = state.user;
  const logout = async () => {
    await api('POST', `${G}/auth/logout`).catch(() => undefined);
    navigate('/');
    await refresh();
  };
  const zoneMatch = /^\/zones\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
  let page;
  if (path === '/') page = <DashboardPage />;
  else if (path === '/zones') page = <ZonesPage />;
  else if (zoneMatch) page = <ZonePage zone={decodeURIComponent(zoneMatch[1]!)} tab={zoneMatch[2] ?? 'records'} />;
  else if (path === '/replication') page = <ReplicationPage />;
  else if (path === '/settings' && user.role === 'admin') page = <SettingsPage />;
  else if (path === '/users' && user.role === 'admin') page = <UsersPage />;
  else if (path === '/account') page = <AccountPage />;
  else page = <section><h1>Not found</h1><p>There is no page at {path}. <Link href="/">Back to the dashboard</Link>.</p></section>;

  const current = (href: string) => (href === '/' ? path === '/' : path.startsWith(href));
  return (
    <Session.Provider value={{ state, user, refresh }}>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <Link href="/" className="brand">Geodesic</Link>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((n) => !n.admin || user.role === 'admin').map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={current(n.href) ? 'page' : undefined}>{n.label}</Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>{user.name} <small className="badge">{user.role}</small></span>
          <button type="button" className="link" onClick={() => void logout()}>Log out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>{page}</main>
    </Session.Provider>
  );
}
