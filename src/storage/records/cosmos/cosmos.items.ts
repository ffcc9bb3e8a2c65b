/**
 * Records kept one per item in a container partitioned by `/id` (jobs, schedules): read back field
 * by field, and changed with optimistic concurrency (replace If-Match the version read).
 */
import type { Container, FeedOptions, SqlQuerySpec } from '@azure/cosmos';
import { pickFields, type FieldSet } from '../record-fields.js';
import {
  CONFLICT,
  type CosmosDatabase,
  ifMatch,
  NOT_FOUND,
  PRECONDITION_FAILED,
  unless,
} from './cosmos.database.js';

/** An item as read: the record, plus the version Cosmos DB gives each write. */
export type Versioned<T> = T & { readonly _etag?: string };

/** A record of `fields`, kept in `container` under its own id. */
export class CosmosItems<T extends { readonly id: string }> {
  constructor(
    private readonly cosmos: CosmosDatabase,
    readonly container: Container,
    private readonly fields: FieldSet<T>,
  ) {}

  /** The record's own fields of `doc` (no `_etag`, `_ts`...). */
  record(doc: T): T {
    return pickFields(doc, this.fields);
  }

  /** Writes a new item; a 409 when one with that id exists. */
  async create(record: T): Promise<void> {
    await this.container.items.create({ ...this.record(record) });
  }

  /** Writes a new item; false, writing nothing, when one with that id exists. */
  async createUnlessExists(record: T): Promise<boolean> {
    return unless(
      [CONFLICT],
      async () => {
        await this.create(record);
        return true;
      },
      () => false,
    );
  }

  async read(id: string): Promise<Versioned<T> | undefined> {
    return this.cosmos.readItem<Versioned<T>>(this.container, id);
  }

  async find(id: string): Promise<T | null> {
    const doc = await this.read(id);
    return doc ? this.record(doc) : null;
  }

  /** The records a query of whole items finds. */
  async query(query: SqlQuerySpec, options?: FeedOptions): Promise<T[]> {
    const docs = await this.cosmos.queryAll<T>(this.container, query, options);
    return docs.map((doc) => this.record(doc));
  }

  /** False when there was no such item. */
  async delete(id: string): Promise<boolean> {
    return unless(
      [NOT_FOUND],
      async () => {
        await this.container.item(id, id).delete();
        return true;
      },
      () => false,
    );
  }

  /** Replaces the item if it is still the version `doc` was read at; null otherwise. */
  async replaceIfMatch(doc: Versioned<T>, next: T): Promise<T | null> {
    return unless(
      [PRECONDITION_FAILED, NOT_FOUND],
      async () => {
        const { resource } = await this.container
          .item(doc.id, doc.id)
          .replace<Versioned<T>>({ ...this.record(next) }, ifMatch(doc._etag));
        return resource ? this.record(resource) : next;
      },
      () => null,
    );
  }

  /**
   * Read, decide, replace If-Match: `change` gets the record as read and returns its next version,
   * or `null` to write nothing and answer null, or the record itself to write nothing and answer
   * it. A replace that finds the item written meanwhile reads again and decides again. Null when
   * there is no such item.
   */
  async update(id: string, change: (current: T) => T | null): Promise<T | null> {
    for (;;) {
      const doc = await this.read(id);
      if (!doc) return null;
      const current = this.record(doc);
      const next = change(current);
      if (next === null || next === current) return next;
      const written = await this.replaceIfMatch(doc, next);
      if (written) return written;
    }
  }
}
