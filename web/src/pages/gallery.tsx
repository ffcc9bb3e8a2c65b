import { useCallback, useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import { BulkBar } from '../components/bulk-bar.tsx';
import { Filters, filtersFrom, filtersQuery, type ImageFilters } from '../components/filters.tsx';
import { ErrorNote, PageTitle, SignInPrompt, Spinner, useTitle } from '../components/ui.tsx';
import { VirtualGrid } from '../components/virtual-grid.tsx';
import { api, unwrap, type Image } from '../lib/api.ts';
import { feedFor, type ImageFeed } from '../lib/feed.ts';
import { localDayStart, plural, truncate } from '../lib/format.ts';
import { useSession } from '../lib/session.ts';

const PAGE_SIZE = 48;

/** Everyone's public images; no sign-in needed. */
export function GalleryPage() {
  useTitle('Gallery');
  return <ImageBrowser mine={false} />;
}

/** My images, private ones too, with selection and bulk actions. */
export function MyImagesPage() {
  useTitle('My images');
  const current = useSession();
  if (!current) {
    return (
      <>
        <PageTitle>My images</PageTitle>
        <SignInPrompt what="see your images, private ones too" />
      </>
    );
  }
  return <ImageBrowser mine userId={current.user.id} />;
}

function apiQuery(filters: ImageFilters, cursor: string | undefined) {
  return {
    q: filters.q || undefined,
    provider: filters.provider || undefined,
    model: filters.model || undefined,
    tag: filters.tag || undefined,
    from: localDayStart(filters.from),
    to: localDayStart(filters.to, 1),
    cursor,
    limit: PAGE_SIZE,
  };
}

/** Subscribes to a feed and loads its first page. */
function useFeed(feed: ImageFeed): void {
  const [, setVersion] = useState(0);
  useEffect(() => feed.subscribe(() => setVersion((n) => n + 1)), [feed]);
  useEffect(() => {
    if (feed.items.length === 0 && !feed.done) void feed.loadMore();
  }, [feed]);
}

function ImageBrowser({ mine, userId }: { mine: boolean; userId?: string }) {
  const { query, path, route } = useLocation();
  const filters = filtersFrom(query, mine);
  const queryString = filtersQuery(filters);
  const key = `${mine ? `me:${userId}` : 'public'}?${queryString}`;

  const feed = useMemo(
    () =>
      feedFor(key, async (cursor) => {
        const params = apiQuery(filters, cursor);
        if (mine) {
          const visibility = (filters.visibility || undefined) as 'public' | 'private' | undefined;
          return unwrap(
            await api.GET('/api/v1/me/images', { params: { query: { ...params, visibility } } }),
          );
        }
        return unwrap(await api.GET('/api/v1/images', { params: { query: params } }));
      }),
    // The key holds every filter.
    [key],
  );
  useFeed(feed);

  // Coming back from an image: the grid as it was, where it was.
  useLayoutEffect(() => {
    const y = feed.scrollY;
    if (y > 0) requestAnimationFrame(() => requestAnimationFrame(() => window.scrollTo(0, y)));
  }, [feed]);

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [anchor, setAnchor] = useState<number | null>(null);
  useEffect(() => {
    setSelected(new Set());
    setAnchor(null);
  }, [key]);

  const applyFilters = (next: ImageFilters) => {
    const search = filtersQuery(next);
    route(search ? `${path}?${search}` : path);
  };

  const toggle = (index: number, range: boolean) => {
    const image = feed.items[index];
    if (!image) return;
    const next = new Set(selected);
    if (range && anchor !== null) {
      // Shift-click: the range from the last clicked one takes that one's new state.
      const on = selected.has(feed.items[anchor]?.id ?? '');
      const [from, to] = anchor < index ? [anchor, index] : [index, anchor];
      for (const item of feed.items.slice(from, to + 1)) {
        if (on) next.add(item.id);
        else next.delete(item.id);
      }
    } else {
      if (next.has(image.id)) next.delete(image.id);
      else next.add(image.id);
      setAnchor(index);
    }
    setSelected(next);
  };

  const openImage = () => {
    feed.scrollY = window.scrollY;
    feed.returnable = true;
  };

  const loadMore = useCallback(() => void feed.loadMore(), [feed]);
  const filtered = queryString !== '';

  const renderCell = (image: Image, index: number) => (
    <li class={`tile${selected.has(image.id) ? ' tile-selected' : ''}`} key={image.id}>
      <a href={`/images/${image.id}`} class="tile-link" onClick={openImage}>
        <img
          src={image.thumbnailUrl}
          alt={truncate(image.prompt, 140)}
          loading="lazy"
          decoding="async"
          width={256}
          height={256}
        />
      </a>
      {image.visibility === 'private' && <span class="tile-badge">Private</span>}
      {mine && (
        <input
          type="checkbox"
          class="tile-check"
          aria-label={`Select: ${truncate(image.prompt, 80)}`}
          checked={selected.has(image.id)}
          onClick={(event) => {
            event.preventDefault();
            toggle(index, event.shiftKey);
          }}
        />
      )}
    </li>
  );

  return (
    <>
      <div class="page-head">
        <PageTitle>{mine ? 'My images' : 'Gallery'}</PageTitle>
        <a class="button button-primary" href="/generate">
          Generate
        </a>
      </div>
      <Filters mine={mine} value={filters} onApply={applyFilters} />
      {mine && feed.items.length > 0 && (
        <BulkBar
          feed={feed}
          selected={selected}
          onSelect={(ids) => {
            setSelected(ids);
            setAnchor(null);
          }}
        />
      )}
      <ErrorNote error={feed.error} />
      <p class="visually-hidden" role="status">
        {feed.loading ? 'Loading images' : plural(feed.items.length, 'image') + ' shown'}
      </p>
      {feed.items.length === 0 && feed.loading && <SkeletonGrid />}
      {feed.items.length === 0 && feed.done && !feed.error && (
        <EmptyState
          mine={mine}
          filtered={filtered}
          clear={() => applyFilters(filtersFrom({}, mine))}
        />
      )}
      <VirtualGrid
        items={feed.items}
        renderCell={renderCell}
        onNearEnd={loadMore}
        label={mine ? 'My images' : 'Public images'}
      />
      {feed.items.length > 0 && feed.loading && (
        <p class="grid-foot">
          <Spinner label="Loading more…" />
        </p>
      )}
      {feed.items.length > 0 && feed.done && (
        <p class="grid-foot muted">That is all: {plural(feed.items.length, 'image')}.</p>
      )}
      {feed.error && !feed.loading && (
        <p class="grid-foot">
          <button class="button" type="button" onClick={loadMore}>
            Try again
          </button>
        </p>
      )}
    </>
  );
}

function SkeletonGrid() {
  return (
    <ul class="skeleton-grid" aria-hidden="true">
      {Array.from({ length: 12 }, (_, i) => (
        <li key={i} class="skeleton" />
      ))}
    </ul>
  );
}

function EmptyState({
  mine,
  filtered,
  clear,
}: {
  mine: boolean;
  filtered: boolean;
  clear: () => void;
}) {
  if (filtered) {
    return (
      <section class="panel empty">
        <p>No images match these filters.</p>
        <p>
          <button class="button" type="button" onClick={clear}>
            Clear the filters
          </button>
        </p>
      </section>
    );
  }
  return (
    <section class="panel empty">
      <p>{mine ? 'You have no images yet.' : 'No public images yet.'}</p>
      <p>
        <a class="button button-primary" href="/generate">
          Make one: Surprise me
        </a>
      </p>
    </section>
  );
}
