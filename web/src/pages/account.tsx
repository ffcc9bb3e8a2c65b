import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import { ErrorNote, PageTitle, useTitle } from '../components/ui.tsx';
import { api, describeError, unwrap } from '../lib/api.ts';
import { formatTime } from '../lib/format.ts';
import { session, useSession } from '../lib/session.ts';

export function AccountPage() {
  useTitle('Account');
  const current = useSession();
  const [notice] = useState(() => session.takeNotice());
  const { route } = useLocation();

  if (current) {
    const { user } = current;
    return (
      <>
        <PageTitle>Account</PageTitle>
        <section class="panel account" aria-label="Signed in">
          <dl class="params">
            <dt>E-mail</dt>
            <dd>{user.email}</dd>
            <dt>Role</dt>
            <dd>
              {user.role}
              {user.role === 'admin' && (
                <span class="muted">: you manage every user’s images and schedules</span>
              )}
            </dd>
            <dt>Member since</dt>
            <dd>{formatTime(user.createdAt)}</dd>
            <dt>Session ends</dt>
            <dd>{formatTime(new Date(current.expiresAt).toISOString())}</dd>
          </dl>
          <p>
            <button
              class="button"
              type="button"
              onClick={() => {
                session.clear();
                route('/');
              }}
            >
              Sign out
            </button>
          </p>
        </section>
      </>
    );
  }
  return (
    <>
      <PageTitle>Account</PageTitle>
      {notice && <p class="note note-info">{notice}</p>}
      <div class="auth-forms">
        <AuthForm mode="login" />
        <AuthForm mode="register" />
      </div>
    </>
  );
}

function AuthForm({ mode }: { mode: 'login' | 'register' }) {
  const { query, route } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = mode;

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { email: email.trim(), password };
      const result = unwrap(
        mode === 'login'
          ? await api.POST('/api/v1/auth/login', { body })
          : await api.POST('/api/v1/auth/register', { body }),
      );
      await session.set(result);
      const next = query.next;
      route(next && next.startsWith('/') && !next.startsWith('//') ? next : '/generate');
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  const value = (event: Event) => (event.currentTarget as HTMLInputElement).value;
  return (
    <section class="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{mode === 'login' ? 'Sign in' : 'Create an account'}</h2>
      <form class="form" onSubmit={(event) => void submit(event)}>
        <div class="field">
          <label for={`${id}-email`}>E-mail</label>
          <input
            id={`${id}-email`}
            type="email"
            required
            autoComplete={mode === 'login' ? 'username' : 'email'}
            maxLength={254}
            value={email}
            onInput={(e) => setEmail(value(e))}
          />
        </div>
        <div class="field">
          <label for={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            type="password"
            required
            minLength={mode === 'register' ? 8 : undefined}
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            aria-describedby={mode === 'register' ? `${id}-password-hint` : undefined}
            value={password}
            onInput={(e) => setPassword(value(e))}
          />
          {mode === 'register' && (
            <p class="hint" id={`${id}-password-hint`}>
              At least 8 characters.
            </p>
          )}
        </div>
        <ErrorNote error={error} />
        <button class="button button-primary" type="submit" disabled={busy}>
          {mode === 'login' ? 'Sign in' : 'Create account'}
        </button>
      </form>
    </section>
  );
}
