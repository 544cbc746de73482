import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, ApiError, G } from '../api';
import type { SessionState } from '../api';
import { ErrorText, Field } from '../widgets';

/** Sign in, or create an account (the very first one becomes admin; later only when sign-up is allowed). */
export function LoginPage({ state, onDone }: { state: SessionState; onDone: () => Promise<void> }) {
  const [mode, setMode] = useState<'login' | 'signup'>(
    state.firstRun || location.search.includes('signup') ? 'signup' : 'login');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [password2, setPassword2] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    if (mode === 'signup' && password !== password2) { setError('The two passwords differ.'); return; }
    setBusy(true);
    try {
      await api('POST', `${G}/auth/${mode}`, { name, password });
      await onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const signup = mode === 'signup';
  return (
    <main className="center" id="main">
      <h1>Geodesic</h1>
      {state.error && <p className="error" role="alert">Accounts are not available: {state.error}.</p>}
      {state.firstRun && <p className="notice">No account exists yet: the first account you create is the administrator.</p>}
      <form onSubmit={(e) => void submit(e)} className="card login" aria-labelledby="login-title">
        <h2 id="login-title">{signup ? 'Create an account' : 'Sign in'}</h2>
        <Field label="User name" name="username" value={name} onChange={setName} autoComplete="username" required />
        <Field label="Password" name="password" type="password" value={password} onChange={setPassword}
          autoComplete={signup ? 'new-password' : 'current-password'} required
          hint={signup ? 'At least 10 characters.' : undefined} />
        {signup && <Field label="Password again" name="password2" type="password" value={password2}
          onChange={setPassword2} autoComplete="new-password" required />}
        <ErrorText text={error} />
        <button type="submit" className="primary" disabled={busy}>{signup ? 'Create account' : 'Sign in'}</button>
        {!state.firstRun && (state.signupOpen || signup) && (
          <button type="button" className="link" onClick={() => { setMode(signup ? 'login' : 'signup'); setError(''); }}>
            {signup ? 'I have an account: sign in' : 'Create an account'}
          </button>
        )}
      </form>
    </main>
  );
}
