import { followGeneration } from '@image-forge/sdk';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, describeError, unwrap, type Generation, type Image } from './api.ts';

const RECENT = 12;
/** Event streams held at once: a browser has six connections per host, images need some. */
const MAX_STREAMS = 3;
const POLL_MS = 3000;

const isActive = (job: Generation) => job.status === 'queued' || job.status === 'running';

export interface Jobs {
  list: Generation[];
  images: ReadonlyMap<string, Image>;
  loading: boolean;
  error: string | null;
  add(job: Generation): void;
  cancel(id: string): Promise<void>;
}

/**
 * My recent jobs, live: active ones are followed over server-sent events (a few at a time; the
 * rest by polling), and the images of finished ones are fetched for their thumbnails.
 */
export function useJobs(focus: string | null): Jobs {
  const [list, setList] = useState<Generation[]>([]);
  const [images, setImages] = useState<ReadonlyMap<string, Image>>(new Map());
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [streamsEnded, setStreamsEnded] = useState(0);
  const streams = useRef(new Map<string, AbortController>());
  const requested = useRef(new Set<string>());

  const upsert = (jobs: readonly Generation[]) =>
    setList((current) => {
      const byId = new Map(current.map((job) => [job.id, job]));
      for (const job of jobs) byId.set(job.id, job);
      return [...byId.values()]
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
        .slice(0, Math.max(RECENT, current.length));
    });

  const refresh = async () => {
    try {
      const page = unwrap(
        await api.GET('/api/v1/generations', { params: { query: { limit: RECENT } } }),
      );
      upsert(page.items);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void refresh();
    const open = streams.current;
    return () => {
      for (const controller of open.values()) controller.abort();
      open.clear();
    };
  }, []);

  // Follow active jobs; when more are active than streams allowed, poll for the rest.
  useEffect(() => {
    const active = list.filter(isActive);
    for (const job of active) {
      if (streams.current.size >= MAX_STREAMS || streams.current.has(job.id)) continue;
      const controller = new AbortController();
      streams.current.set(job.id, controller);
      void (async () => {
        try {
          for await (const update of followGeneration(api, job.id, { signal: controller.signal })) {
            upsert([update]);
          }
        } catch (e) {
          if (!controller.signal.aborted) setError(describeError(e));
        } finally {
          streams.current.delete(job.id);
          if (!controller.signal.aborted) setStreamsEnded((n) => n + 1);
        }
      })();
    }
    if (active.some((job) => !streams.current.has(job.id))) {
      const timer = setTimeout(() => void refresh(), POLL_MS);
      return () => clearTimeout(timer);
    }
    return undefined;
  }, [list, streamsEnded]);

  // Thumbnails: the first image of each finished job, every image of the one in focus.
  useEffect(() => {
    const wanted = list.flatMap((job) =>
      job.status === 'succeeded' ? job.imageIds.slice(0, job.id === focus ? undefined : 1) : [],
    );
    for (const id of wanted) {
      if (requested.current.has(id)) continue;
      requested.current.add(id);
      api
        .GET('/api/v1/images/{id}', { params: { path: { id } } })
        .then(unwrap)
        .then(
          (image) => setImages((current) => new Map(current).set(id, image)),
          // Deleted since: the job keeps its id; show no thumbnail.
          () => undefined,
        );
    }
  }, [list, focus]);

  return {
    list,
    images,
    loading,
    error,
    add: (job) => upsert([job]),
    async cancel(id) {
      try {
        upsert([
          unwrap(await api.POST('/api/v1/generations/{id}/cancel', { params: { path: { id } } })),
        ]);
      } catch (e) {
        setError(describeError(e));
      }
    },
  };
}
