import { useEffect, useState } from 'preact/hooks';
import type { components } from '@image-forge/sdk';

type User = components['schemas']['UserDto'];
type SessionAnswer = components['schemas']['SessionDto'];

export interface Session {
  /** The access token: short-lived, renewed with the refresh token. */
  readonly token: string;
  /** Epoch milliseconds; the access token is renewed a little before the server would refuse it. */
  readonly accessExpiresAt: number;
  /**
   * Exchanged once for a new pair (`POST /auth/refresh`); a second use, past the server's short
   * reuse grace, ends the session.
   */
  readonly refreshToken: string;
  /** Epoch milliseconds: when the session ends unless it is renewed before. */
  readonly expiresAt: number;
  readonly user: User;
}

/*
 * The tokens live in localStorage: a person who opens an image in a new tab, or comes back
 * tomorrow within the session's lifetime, stays signed in, and signing out in one tab signs out
 * the others (the `storage` event); a refresh in one tab reaches the others the same way.
 * sessionStorage would protect nothing more: any script running on the page can read either one,
 * so the defence is the page's strict Content-Security-Policy (no inline or foreign script),
 * short-lived access tokens, and refresh tokens that end their session when replayed.
 */
const KEY = 'image-forge.session';
/** A minute of margin for clock skew and requests in flight. */
const MARGIN_MS = 60_000;
const listeners = new Set<() => void>();
const signOutListeners = new Set<(ended: Session) => void>();
let current: Session | null = read();
let notice: string | null = null;

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Session;
    return typeof value.token === 'string' &&
      typeof value.refreshToken === 'string' &&
      value.expiresAt > Date.now()
      ? value
      : null;
  } catch {
    return null;
  }
}

function emit(): void {
  for (const listener of listeners) listener();
}

const until = (seconds: number) => Date.now() + Math.max(0, seconds * 1000 - MARGIN_MS);

export const session = {
  get(): Session | null {
    if (current && current.expiresAt <= Date.now()) {
      session.clear('Your session has expired: sign in again.');
    }
    return current;
  },
  token(): string | undefined {
    return session.get()?.token;
  },
  /** Whether the access token is (nearly) expired, so that it should be renewed before use. */
  stale(): boolean {
    const value = session.get();
    return value !== null && value.accessExpiresAt <= Date.now();
  },
  /** The session as stored now (another tab may have changed it, its event not yet come). */
  reload(): Session | null {
    const stored = read();
    if (stored?.refreshToken !== current?.refreshToken) {
      current = stored;
      emit();
    }
    return session.get();
  },
  /** Keeps a session the API answered (sign-in, registration, refresh). */
  set(answer: SessionAnswer): void {
    current = {
      token: answer.accessToken,
      accessExpiresAt: until(answer.expiresIn),
      refreshToken: answer.refreshToken,
      expiresAt: until(answer.refreshExpiresIn),
      user: answer.user,
    };
    notice = null;
    localStorage.setItem(KEY, JSON.stringify(current));
    emit();
  },
  /**
   * Signs out; `reason` is shown on the account page once. Without a reason (the person signed
   * out), the server is told, so that the session's tokens stop working everywhere.
   */
  clear(reason?: string): void {
    if (!current) return;
    const ended = current;
    current = null;
    notice = reason ?? null;
    localStorage.removeItem(KEY);
    emit();
    if (reason === undefined) for (const listener of signOutListeners) listener(ended);
  },
  /** Why the last session ended, if it ended on its own; read once. */
  takeNotice(): string | null {
    const value = notice;
    notice = null;
    return value;
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** Called with the session a person signed out of. */
  onSignOut(listener: (ended: Session) => void): void {
    signOutListeners.add(listener);
  },
};

// Another tab signed in or out, or renewed the session.
window.addEventListener('storage', (event) => {
  if (event.key !== KEY) return;
  current = read();
  emit();
});

/** The current session; re-renders the caller when it changes. */
export function useSession(): Session | null {
  const [, setVersion] = useState(0);
  useEffect(() => session.subscribe(() => setVersion((n) => n + 1)), []);
  return session.get();
}
