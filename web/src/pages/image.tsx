import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import { useConfirm } from '../components/confirm.tsx';
import { ErrorNote, PageTitle, Spinner, StatusNote, useTitle } from '../components/ui.tsx';
import { api, describeError, isNotFound, unwrap, type Image } from '../lib/api.ts';
import { lastFeed } from '../lib/feed.ts';
import { formatBytes, formatTime, parseTags, truncate } from '../lib/format.ts';
import { useSession } from '../lib/session.ts';

export function ImagePage({ id }: { id: string }) {
  const current = useSession();
  const { route } = useLocation();
  const [image, setImage] = useState<Image | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [canManage, setCanManage] = useState(false);
  useTitle(image ? truncate(image.prompt, 50) : 'Image');

  useEffect(() => {
    let live = true;
    setImage(null);
    setError(null);
    setCanManage(false);
    api
      .GET('/api/v1/images/{id}', { params: { path: { id } } })
      .then(unwrap)
      .then(async (found) => {
        if (!live) return;
        setImage(found);
        setCanManage(await ownsImage(found, !!current, current?.user.role === 'admin'));
      })
      .catch((e: unknown) => {
        if (!live) return;
        setError(
          isNotFound(e)
            ? 'This image does not exist, or it is private and not yours.' +
                (current ? '' : ' Sign in if it is one of yours.')
            : describeError(e),
        );
      });
    return () => {
      live = false;
    };
  }, [id, current?.user.id]);

  const neighbours = useNeighbours(id);
  // Read at key time, not captured: effects run only after the next paint, and a listener
  // registered for the previous image would ignore an arrow pressed in between (← then → at once).
  const neighboursNow = useRef(neighbours);
  neighboursNow.current = neighbours;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const { prev, next } = neighboursNow.current;
      const target = event.target as HTMLElement;
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if (target.closest('input, textarea, select, dialog[open]')) return;
      const to = event.key === 'ArrowLeft' ? prev : event.key === 'ArrowRight' ? next : null;
      if (!to) return;
      event.preventDefault();
      route(`/images/${to}`);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (error) {
    return (
      <>
        <PageTitle>Image</PageTitle>
        <ErrorNote error={error} />
        <p>
          <a href="/">Back to the gallery</a>
        </p>
      </>
    );
  }
  if (!image) return <Spinner label="Loading the image…" />;

  const lineage = image.lineage;
  return (
    <article class="detail">
      <div class="detail-image">
        <a href={image.contentUrl} class="detail-image-link">
          <img
            src={image.contentUrl}
            alt={truncate(image.prompt, 200)}
            width={image.width}
            height={image.height}
          />
        </a>
        <nav class="neighbours" aria-label="Neighbouring images">
          {neighbours.prev ? (
            <a class="button" href={`/images/${neighbours.prev}`} rel="prev">
              ← Newer
            </a>
          ) : (
            <span />
          )}
          <span class="muted small">← / → keys</span>
          {neighbours.next ? (
            <a class="button" href={`/images/${neighbours.next}`} rel="next">
              Older →
            </a>
          ) : (
            <span />
          )}
        </nav>
      </div>
      <div class="detail-info">
        <PageTitle>{truncate(image.prompt, 90)}</PageTitle>
        <Actions image={image} />
        <section aria-labelledby="lineage-title">
          <h2 id="lineage-title">Prompt lineage</h2>
          <ol class="lineage">
            <li>
              <span class="lineage-label">Theme</span>
              <span>{lineage.theme ?? <em class="muted">none</em>}</span>
            </li>
            <li>
              <span class="lineage-label">Prompt ({lineage.strategy})</span>
              <span>{lineage.prompt ?? image.prompt}</span>
            </li>
            <li>
              <span class="lineage-label">Revised by the provider</span>
              <span>{lineage.revisedPrompt ?? <em class="muted">not revised</em>}</span>
            </li>
          </ol>
        </section>
        <section aria-labelledby="params-title">
          <h2 id="params-title">Parameters</h2>
          <dl class="params">
            <dt>Provider</dt>
            <dd>{image.provider}</dd>
            <dt>Model</dt>
            <dd>{image.model}</dd>
            <dt>Size</dt>
            <dd>
              {image.width} × {image.height}
            </dd>
            <dt>Seed</dt>
            <dd>{image.seed ?? '—'}</dd>
            {image.negativePrompt && (
              <>
                <dt>Negative prompt</dt>
                <dd>{image.negativePrompt}</dd>
              </>
            )}
            <dt>File</dt>
            <dd>
              {image.contentType}, {formatBytes(image.byteSize)}
            </dd>
            <dt>SHA-256</dt>
            <dd class="mono break">{image.sha256}</dd>
            <dt>Made</dt>
            <dd>
              <time dateTime={image.createdAt}>{formatTime(image.createdAt)}</time>
            </dd>
            <dt>Visibility</dt>
            <dd>{image.visibility}</dd>
            <dt>Tags</dt>
            <dd>
              {image.tags.length > 0
                ? image.tags.map((tag) => (
                    <a key={tag} class="tag" href={`/?tag=${encodeURIComponent(tag)}`}>
                      {tag}
                    </a>
                  ))
                : '—'}
            </dd>
            <dt>Schedule</dt>
            <dd>
              {image.scheduleId ? (
                canManage ? (
                  <a href={`/schedules#schedule-${image.scheduleId}`}>a scheduled run</a>
                ) : (
                  'a scheduled run'
                )
              ) : (
                'made by hand'
              )}
            </dd>
          </dl>
        </section>
        {canManage && (
          <Manage
            image={image}
            onChange={(updated) => {
              setImage(updated);
              lastFeed()?.replace(updated);
            }}
            onDelete={() => {
              lastFeed()?.remove(new Set([image.id]));
              route(neighbours.next ? `/images/${neighbours.next}` : '/me');
            }}
          />
        )}
      </div>
    </article>
  );
}

/**
 * Whether the signed-in user may manage the image. The image does not name its owner; its job
 * does, and reads as 404 to anyone else. Admins manage every image.
 */
async function ownsImage(image: Image, signedIn: boolean, admin: boolean): Promise<boolean> {
  if (!signedIn) return false;
  if (admin) return true;
  const result = await api.GET('/api/v1/generations/{id}', {
    params: { path: { id: image.jobId } },
  });
  return result.response.ok;
}

/** The images before and after this one in the grid the user came from, loading more if needed. */
function useNeighbours(id: string): { prev?: string; next?: string } {
  const feed = lastFeed();
  const [, setVersion] = useState(0);
  useEffect(() => feed?.subscribe(() => setVersion((v) => v + 1)), [feed]);
  const index = feed?.items.findIndex((image) => image.id === id) ?? -1;
  useEffect(() => {
    if (feed && index >= 0 && index >= feed.items.length - 2) void feed.loadMore();
  }, [feed, index]);
  if (!feed || index < 0) return {};
  // Keep the grid's place for when the user goes back.
  feed.returnable = true;
  return { prev: feed.items[index - 1]?.id, next: feed.items[index + 1]?.id };
}

function Actions({ image }: { image: Image }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(image.prompt);
      setCopied('Prompt copied.');
    } catch {
      setCopied('Copying is blocked here: select the prompt and copy it by hand.');
    }
  };
  return (
    <div class="actions-block">
      <div class="actions">
        <a class="button" href={image.contentUrl} download={`image-forge-${image.id}.png`}>
          Download
        </a>
        <button class="button" type="button" onClick={() => void copy()}>
          Copy prompt
        </button>
        <a class="button button-primary" href={`/generate?remix=${image.id}`}>
          Remix
        </a>
      </div>
      <StatusNote text={copied} />
    </div>
  );
}

function Manage({
  image,
  onChange,
  onDelete,
}: {
  image: Image;
  onChange: (image: Image) => void;
  onDelete: () => void;
}) {
  const [tags, setTags] = useState(image.tags.join(', '));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, ask] = useConfirm();
  useEffect(() => setTags(image.tags.join(', ')), [image.id]);

  const save = async (
    body: { visibility?: 'public' | 'private'; tags?: string[] },
    what: string,
  ) => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      onChange(
        unwrap(
          await api.PATCH('/api/v1/images/{id}', { params: { path: { id: image.id } }, body }),
        ),
      );
      setSaved(what);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    const ok = await ask({
      title: 'Delete this image?',
      message: 'It is gone for good: the image, its thumbnail and its record.',
      confirmLabel: 'Delete image',
      danger: true,
    });
    if (!ok) return;
    setBusy(true);
    try {
      unwrap(await api.DELETE('/api/v1/images/{id}', { params: { path: { id: image.id } } }));
      onDelete();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  const other = image.visibility === 'public' ? 'private' : 'public';
  return (
    <section class="panel manage" aria-labelledby="manage-title">
      <h2 id="manage-title">Manage</h2>
      <p>
        <span>
          This image is <strong>{image.visibility}</strong>
          {image.visibility === 'private' ? ': only you can see it.' : ': everyone can see it.'}
        </span>
        <button
          class="button"
          type="button"
          disabled={busy}
          onClick={() => void save({ visibility: other }, `Made ${other}.`)}
        >
          Make {other}
        </button>
      </p>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void save({ tags: parseTags(tags) }, 'Tags saved.');
        }}
      >
        <div class="field">
          <label for="image-tags">Tags (comma-separated)</label>
          <input
            id="image-tags"
            type="text"
            value={tags}
            onInput={(e) => setTags(e.currentTarget.value)}
          />
        </div>
        <button class="button" type="submit" disabled={busy}>
          Save tags
        </button>
      </form>
      <p>
        <button
          class="button button-danger"
          type="button"
          disabled={busy}
          onClick={() => void remove()}
        >
          Delete image
        </button>
      </p>
      <ErrorNote error={error} />
      <StatusNote text={saved} />
      {dialog}
    </section>
  );
}
