import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { SqliteDatabase } from './sqlite.database.js';

/** Images added to the prefix index per batch, each batch one write transaction. */
export const SEARCH_INDEX_BATCH = 250;
/** After a batch that failed (a full disk, a writer holding the lock past `busy_timeout`). */
const RETRY_AFTER_MS = 10_000;

/**
 * The prefix search index (`images_fts_prefix`, the fifth migration) on a file that had images
 * before it: built a batch at a time, in seq order, while the service serves. Each batch is one
 * short immediate transaction (other replicas' writes wait for it, not for the whole build) that
 * adds the images past `built_upto` and moves it; the triggers keep the images at or below it in
 * step. Replicas sharing the file share the work (each batch reads where the last one, whoever
 * ran it, stopped). Between batches it rests as long as the batch took, so that a replica building
 * still serves at about half its speed, not stalls. Searches use the old index until it is done.
 */
export class SearchIndexBuild {
  private readonly logger = new Logger('SearchIndexBuild');
  private done = false;
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();

  constructor(private readonly sqlite: SqliteDatabase) {}

  /** Whether every image is in the prefix index: read from the file until it says so, then kept. */
  isDone(): boolean {
    if (!this.done) {
      this.done =
        this.sqlite
          .statement<[], number>('SELECT done FROM images_fts_prefix_build WHERE id = 1')
          .pluck(true)
          .get() === 1;
    }
    return this.done;
  }

  /**
   * Builds what is left in the background (nothing, on a file where it is done); once. Never
   * rejects: a failure is logged, and searches keep the old index.
   */
  start(): Promise<void> {
    this.running ??= (async () => {
      if (!this.isDone()) await this.build();
    })().catch((error: unknown) => {
      this.logger.error({ err: error }, 'building the prefix search index stopped');
    });
    return this.running;
  }

  /** Stops before the next batch (each runs synchronously); the index stays as far as it got. */
  stop(): void {
    this.stopping.abort();
  }

  /**
   * Adds up to `size` images past `built_upto` to the index, or marks it done when there are none;
   * returns whether there may be more.
   */
  step(size = SEARCH_INDEX_BATCH): boolean {
    return this.sqlite.db
      .transaction((): boolean => {
        const state = this.sqlite
          .statement<[], { built_upto: number; done: number }>(
            'SELECT built_upto, done FROM images_fts_prefix_build WHERE id = 1',
          )
          .get();
        if (!state || state.done === 1) return false;
        const last = this.sqlite
          .statement<[number, number], number | null>(
            'SELECT max(seq) FROM (SELECT seq FROM images WHERE seq > ? ORDER BY seq LIMIT ?)',
          )
          .pluck(true)
          .get(state.built_upto, size);
        if (last === null || last === undefined) {
          this.sqlite.statement('UPDATE images_fts_prefix_build SET done = 1 WHERE id = 1').run();
          return false;
        }
        this.sqlite
          .statement<[number, number]>(
            `INSERT INTO images_fts_prefix (rowid, prompt, tags)
              SELECT seq, prompt, tags FROM images WHERE seq > ? AND seq <= ?`,
          )
          .run(state.built_upto, last);
        this.sqlite
          .statement<[number]>('UPDATE images_fts_prefix_build SET built_upto = ? WHERE id = 1')
          .run(last);
        return true;
      })
      .immediate();
  }

  private async build(): Promise<void> {
    const { signal } = this.stopping;
    const started = Date.now();
    const left = this.sqlite
      .statement<[], number>(
        `SELECT count(*) FROM images
          WHERE seq > (SELECT built_upto FROM images_fts_prefix_build WHERE id = 1)`,
      )
      .pluck(true)
      .get();
    this.logger.log({ images: left }, 'building the prefix search index');
    let added = 0;
    while (!signal.aborted) {
      const batchStarted = performance.now();
      let more: boolean;
      try {
        more = this.step();
      } catch (error) {
        this.logger.warn(
          { err: error, retryInMs: RETRY_AFTER_MS },
          'building the prefix search index failed; trying again',
        );
        await rest(RETRY_AFTER_MS, signal);
        continue;
      }
      if (!more) {
        this.logger.log(
          { batches: added, ms: Date.now() - started },
          'the prefix search index is built: searches use it',
        );
        return;
      }
      added++;
      await rest(performance.now() - batchStarted, signal);
    }
  }
}

/** Waits `ms`, or until `signal` aborts. */
async function rest(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
