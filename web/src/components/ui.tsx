import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

/** Sets the tab's title while the page is shown. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · image-forge`;
  }, [title]);
}

/** A page's heading; the router moves focus to it on navigation, for keyboard and screen readers. */
export function PageTitle({ children }: { children: ComponentChildren }) {
  return (
    <h1 class="page-title" tabIndex={-1}>
      {children}
    </h1>
  );
}

/** An error in plain words (role=alert), or nothing. */
export function ErrorNote({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p class="note note-error" role="alert">
      {error}
    </p>
  );
}

/** A polite status line (role=status) for outcomes: "Saved", "Copied"... */
export function StatusNote({ text }: { text: string | null | undefined }) {
  return (
    <p class="note note-ok" role="status" hidden={!text}>
      {text}
    </p>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{status}</span>;
}

export function Spinner({ label }: { label: string }) {
  return (
    <span class="spinner-wrap" role="status">
      <span class="spinner" aria-hidden="true" />
      {label}
    </span>
  );
}

/** What a page that needs an account shows to a visitor. */
export function SignInPrompt({ what }: { what: string }) {
  const next = encodeURIComponent(location.pathname + location.search);
  return (
    <section class="panel empty">
      <p>Sign in to {what}.</p>
      <p>
        <a class="button button-primary" href={`/account?next=${next}`}>
          Sign in or create an account
        </a>
      </p>
    </section>
  );
}
