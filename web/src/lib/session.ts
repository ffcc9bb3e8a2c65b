import { useEffect, useState } from 'preact/hooks';
import type { components } from '@image-forge/sdk';

type User = components['schemas']['UserDto'];

export interface Session {
  readonly token: string;
  /** Epoch milliseconds; the token is dropped a little before the server would refuse it. */
  readonly expiresAt: number;
  readonly user: User;
}

/*
 * The access token lives in localStorage: a person who opens an image in a new tab, or comes back
 * tomorrow within the token's lifetime, stays signed in, and signing out in one tab signs out the
 * others (the `storage` event). sessionStorage would protect nothing more: any script running on
 * the page can read either one, so the defence is the page's strict Content-Security-Policy (no
 * inline or foreign script) and a token that expires.
 */
const KEY = 'image-forge.session';
const listeners = new Set<() => void>();
let current: Session | null = read();
let notice: string | null = null;

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Session;
    return typeof value.token === 'string' && value.expiresAt > Date.now() ? value : null;
  } catch {
    return null;
  }
}

function emit(): void {
  for (const listener of listeners) listener();
}

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
  set(token: string, expiresInSeconds: number, user: User): void {
    // A minute of margin for clock skew and requests in flight.
    current = { token, expiresAt: Date.now() + Math.max(0, expiresInSeconds - 60) * 1000, user };
    notice = null;
    localStorage.setItem(KEY, JSON.stringify(current));
    emit();
  },
  /** Signs out; `reason` is shown on the account page once. */
  clear(reason?: string): void {
    if (!current) return;
    current = null;
    notice = reason ?? null;
    localStorage.removeItem(KEY);
    emit();
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
};

// Another tab signed in or out.
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
