import { useRef, useState } from 'preact/hooks';
import { api, describeError, forEachLimited, unwrap, type Image } from '../lib/api.ts';
import type { ImageFeed } from '../lib/feed.ts';
import { parseTags, plural } from '../lib/format.ts';
import { useConfirm } from './confirm.tsx';
import { ErrorNote, StatusNote } from './ui.tsx';

/**
 * Select all, and what to do with the selection: make public or private, add a tag, delete.
 * Each action asks once, with the count; the API has no bulk routes, so it sends one request per
 * image, a few at a time.
 */
export function BulkBar({
  feed,
  selected,
  onSelect,
}: {
  feed: ImageFeed;
  selected: ReadonlySet<string>;
  onSelect: (ids: ReadonlySet<string>) => void;
}) {
  const [dialog, ask] = useConfirm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const tagInput = useRef<HTMLInputElement>(null);
  const count = selected.size;
  const images = () => feed.items.filter((image) => selected.has(image.id));

  const run = async (label: string, task: (image: Image) => Promise<void>) => {
    const targets = images();
    setBusy(true);
    setError(null);
    setDone(null);
    const failures = await forEachLimited(targets, task);
    setBusy(false);
    const succeeded = targets.length - failures.length;
    if (failures.length > 0) {
      setError(
        `${plural(failures.length, 'image')} could not be changed: ${describeError(failures[0].error)}`,
      );
    }
    setDone(`${label} ${plural(succeeded, 'image')}.`);
    onSelect(new Set(failures.map((failure) => failure.item.id)));
  };

  const setVisibility = async (visibility: 'public' | 'private') => {
    const ok = await ask({
      title: `Make ${plural(count, 'image')} ${visibility}?`,
      message:
        visibility === 'private'
          ? 'Only you will see them; they leave the public gallery.'
          : 'Everyone will see them in the public gallery.',
      confirmLabel: `Make ${visibility}`,
    });
    if (!ok) return;
    await run(visibility === 'private' ? 'Made private:' : 'Made public:', async (image) => {
      const updated = unwrap(
        await api.PATCH('/api/v1/images/{id}', {
          params: { path: { id: image.id } },
          body: { visibility },
        }),
      );
      feed.replace(updated);
    });
  };

  const addTag = async () => {
    const ok = await ask({
      title: `Add a tag to ${plural(count, 'image')}`,
      message: (
        <div class="field">
          <label for="bulk-tag">Tag</label>
          <input id="bulk-tag" ref={tagInput} type="text" required maxLength={40} />
        </div>
      ),
      confirmLabel: 'Add tag',
    });
    const tags = parseTags(tagInput.current?.value ?? '');
    if (!ok || tags.length === 0) return;
    await run(`Tagged “${tags.join(', ')}”:`, async (image) => {
      const updated = unwrap(
        await api.PATCH('/api/v1/images/{id}', {
          params: { path: { id: image.id } },
          body: { tags: [...new Set([...image.tags, ...tags])] },
        }),
      );
      feed.replace(updated);
    });
  };

  const remove = async () => {
    const ok = await ask({
      title: `Delete ${plural(count, 'image')}?`,
      message: 'They are gone for good: the images, their thumbnails and their records.',
      confirmLabel: `Delete ${plural(count, 'image')}`,
      danger: true,
    });
    if (!ok) return;
    const deleted = new Set<string>();
    await run('Deleted', async (image) => {
      unwrap(await api.DELETE('/api/v1/images/{id}', { params: { path: { id: image.id } } }));
      deleted.add(image.id);
    });
    feed.remove(deleted);
  };

  const allSelected = count > 0 && count === feed.items.length;
  return (
    <div class="bulk-bar" role="region" aria-label="Selection">
      <label class="check">
        <input
          type="checkbox"
          checked={allSelected}
          onChange={() => onSelect(allSelected ? new Set() : new Set(feed.items.map((i) => i.id)))}
        />
        Select all {feed.done ? '' : 'loaded '}({feed.items.length})
      </label>
      <span class="bulk-count" aria-live="polite">
        {count > 0 ? `${count} selected` : 'Click, or shift-click for a range'}
      </span>
      <div class="bulk-actions">
        <button
          class="button"
          type="button"
          disabled={!count || busy}
          onClick={() => void setVisibility('public')}
        >
          Make public
        </button>
        <button
          class="button"
          type="button"
          disabled={!count || busy}
          onClick={() => void setVisibility('private')}
        >
          Make private
        </button>
        <button
          class="button"
          type="button"
          disabled={!count || busy}
          onClick={() => void addTag()}
        >
          Add tag
        </button>
        <button
          class="button button-danger"
          type="button"
          disabled={!count || busy}
          onClick={() => void remove()}
        >
          Delete
        </button>
      </div>
      <ErrorNote error={error} />
      <StatusNote text={done} />
      {dialog}
    </div>
  );
}
