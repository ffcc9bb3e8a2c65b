import { useEffect, useState } from 'preact/hooks';
import type { Provider } from '../lib/api.ts';
import { loadProviders } from '../lib/providers.ts';

export interface ImageFilters {
  q: string;
  provider: string;
  model: string;
  tag: string;
  /** `YYYY-MM-DD`, local days, both included. */
  from: string;
  to: string;
  /** My images only: '' (all), 'public' or 'private'. */
  visibility: string;
}

const KEYS = ['q', 'provider', 'model', 'tag', 'from', 'to', 'visibility'] as const;

export function filtersFrom(query: Record<string, string>, mine: boolean): ImageFilters {
  const value = (key: string) => query[key] ?? '';
  return {
    q: value('q'),
    provider: value('provider'),
    model: value('model'),
    tag: value('tag'),
    from: value('from'),
    to: value('to'),
    visibility:
      mine && ['public', 'private'].includes(value('visibility')) ? value('visibility') : '',
  };
}

/** The filters as the page's query string, so a link reproduces the view. */
export function filtersQuery(filters: ImageFilters): string {
  const params = new URLSearchParams();
  for (const key of KEYS) if (filters[key]) params.set(key, filters[key].trim());
  return params.toString();
}

/** Search box and filters; applied on submit (Enter) or when a choice changes. */
export function Filters({
  mine,
  value,
  onApply,
}: {
  mine: boolean;
  value: ImageFilters;
  onApply: (filters: ImageFilters) => void;
}) {
  const [draft, setDraft] = useState(value);
  const [providers, setProviders] = useState<Provider[]>([]);
  useEffect(() => setDraft(value), [filtersQuery(value)]);
  useEffect(() => {
    loadProviders().then(setProviders, () => setProviders([]));
  }, []);

  const models = providers
    .filter((p) => !draft.provider || p.name === draft.provider)
    .flatMap((p) => p.models.map((m) => m.id));
  const set = (key: keyof ImageFilters, text: string, apply = false) => {
    const next = { ...draft, [key]: text };
    if (key === 'provider') next.model = '';
    setDraft(next);
    if (apply) onApply(next);
  };
  const text = (event: Event) => (event.currentTarget as HTMLInputElement).value;
  const active = KEYS.some((key) => key !== 'q' && value[key]);
  // On a phone the filters fold away behind a button (open while any is set).
  const [open, setOpen] = useState(active);

  return (
    <form
      class={open ? 'filters' : 'filters filters-folded'}
      role="search"
      aria-label="Search and filter images"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(draft);
      }}
    >
      <div class="field field-search">
        <label for="f-q">Search</label>
        <div class="search-row">
          <input
            id="f-q"
            type="search"
            placeholder="Words or tags"
            value={draft.q}
            maxLength={200}
            onInput={(e) => set('q', text(e))}
          />
          <button class="button button-primary" type="submit">
            Search
          </button>
          <button
            class="button filters-toggle"
            type="button"
            aria-expanded={open}
            aria-controls="filter-fields"
            onClick={() => setOpen(!open)}
          >
            Filters
          </button>
        </div>
      </div>
      <div class="filter-fields" id="filter-fields">
        <div class="field">
          <label for="f-provider">Provider</label>
          <select
            id="f-provider"
            value={draft.provider}
            onChange={(e) => set('provider', text(e), true)}
          >
            <option value="">Any</option>
            {providers.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-model">Model</label>
          <select id="f-model" value={draft.model} onChange={(e) => set('model', text(e), true)}>
            <option value="">Any</option>
            {models.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-tag">Tag</label>
          <input
            id="f-tag"
            type="text"
            value={draft.tag}
            maxLength={40}
            onInput={(e) => set('tag', text(e))}
            onChange={(e) => set('tag', text(e), true)}
          />
        </div>
        <div class="field">
          <label for="f-from">From</label>
          <input
            id="f-from"
            type="date"
            value={draft.from}
            onChange={(e) => set('from', text(e), true)}
          />
        </div>
        <div class="field">
          <label for="f-to">To</label>
          <input
            id="f-to"
            type="date"
            value={draft.to}
            onChange={(e) => set('to', text(e), true)}
          />
        </div>
        {mine && (
          <div class="field">
            <label for="f-visibility">Visibility</label>
            <select
              id="f-visibility"
              value={draft.visibility}
              onChange={(e) => set('visibility', text(e), true)}
            >
              <option value="">All</option>
              <option value="public">Public</option>
              <option value="private">Private</option>
            </select>
          </div>
        )}
        {(active || value.q) && (
          <div class="field field-clear">
            <button
              class="button button-quiet"
              type="button"
              onClick={() => onApply(filtersFrom({}, mine))}
            >
              Clear filters
            </button>
          </div>
        )}
      </div>
    </form>
  );
}
