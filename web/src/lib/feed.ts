import { describeError, type Image, type ImageList } from './api.ts';

/**
 * A list of images paged by cursor, shared by a grid and the detail page it opens (← / → walk
 * the same list, and going back restores the grid where it was).
 */
export class ImageFeed {
  items: Image[] = [];
  /** `undefined` before the first page, `null` after the last. */
  nextCursor: string | null | undefined = undefined;
  loading = false;
  error: string | null = null;
  /** Where the grid was scrolled when the user left it for an image. */
  scrollY = 0;
  /** Set when the user opens an image from this feed: coming back reuses it. */
  returnable = false;
  private readonly listeners = new Set<() => void>();
  private readonly ids = new Set<string>();

  constructor(
    readonly key: string,
    private readonly fetchPage: (cursor: string | undefined) => Promise<ImageList>,
  ) {}

  get done(): boolean {
    return this.nextCursor === null;
  }

  async loadMore(): Promise<void> {
    if (this.loading || this.done) return;
    this.loading = true;
    this.error = null;
    this.emit();
    try {
      const page = await this.fetchPage(this.nextCursor ?? undefined);
      // New images can shift keyset pages by one; never show one twice.
      const fresh = page.items.filter((image) => !this.ids.has(image.id));
      for (const image of fresh) this.ids.add(image.id);
      this.items = this.items.concat(fresh);
      this.nextCursor = page.nextCursor ?? null;
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.loading = false;
      this.emit();
    }
  }

  replace(image: Image): void {
    this.items = this.items.map((item) => (item.id === image.id ? image : item));
    this.emit();
  }

  remove(ids: ReadonlySet<string>): void {
    this.items = this.items.filter((item) => !ids.has(item.id));
    this.emit();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

let last: ImageFeed | null = null;
let traversedAt = -Infinity;
window.addEventListener('popstate', () => {
  traversedAt = performance.now();
});

/**
 * The feed for `key`: the last one when the user comes back to it with Back (the grid as they
 * left it), else a fresh one (a link to the gallery shows what is new).
 */
export function feedFor(
  key: string,
  fetchPage: (cursor: string | undefined) => Promise<ImageList>,
): ImageFeed {
  const back = performance.now() - traversedAt < 1000;
  if (last?.key === key && last.returnable && back) {
    last.returnable = false;
    return last;
  }
  last = new ImageFeed(key, fetchPage);
  return last;
}

/** The feed the user last browsed, for the detail page's neighbours. */
export function lastFeed(): ImageFeed | null {
  return last;
}
