import { del, get, set } from 'idb-keyval';
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
 *
 * IndexedDB keeps a second copy, for the tabs taking turns to renew (lib/api.ts). localStorage is
 * not consistent across a browser's processes: Chromium gives each tab a cached copy that another
 * tab's write reaches a little later, so a tab that takes the refresh lock just after another
 * renewed can still read the refresh token that was used, and presenting it again ends the session
 * (measured: about 1 in 30 joint renewals in two Chromium tabs). An IndexedDB transaction that
 * completed before the lock was released is seen by every transaction that starts after.
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
    return raw ? valid(JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

/** A stored session that can still be used, or null. */
function valid(value: Session | null | undefined): Session | null {
  return typeof value?.token === 'string' &&
    typeof value.refreshToken === 'string' &&
    value.expiresAt > Date.now()
    ? value
    : null;
}

/**
 * An IndexedDB operation where the page may use IndexedDB; where it may not (storage blocked, a
 * browser without it: `indexedDB.open` can throw before any promise exists), nothing, and the
 * session lives in localStorage alone.
 */
async function indexedDb<T>(operation: () => Promise<T>): Promise<T | undefined> {
  try {
    return await operation();
  } catch {
    return undefined;
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
  /**
   * The session as another tab may have renewed it, its `storage` event not yet come: the
   * IndexedDB copy, or localStorage's where IndexedDB is unavailable or holds none.
   */
  async reload(): Promise<Session | null> {
    const stored = valid(await indexedDb(() => get<Session>(KEY))) ?? read();
    if (stored?.refreshToken !== current?.refreshToken) {
      current = stored;
      emit();
    }
    return session.get();
  },
  /**
   * Keeps a session the API answered (sign-in, registration, refresh); resolves once the
   * IndexedDB copy is written.
   */
  async set(answer: SessionAnswer): Promise<void> {
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
    const value = current;
    await indexedDb(() => set(KEY, value));
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
    void indexedDb(() => del(KEY));
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
