import { createHash } from 'node:crypto';
import {
  CONFLICT,
  type CosmosDatabase,
  NOT_FOUND,
  PRECONDITION_FAILED,
  unless,
} from './cosmos.database.js';

/**
 * Uniqueness claims, kept in the `keys` container. A claim is a document whose id is derived
 * from the unique value (an e-mail, an owner's idempotency key, a schedule's slot): creating one
 * that exists fails with 409, so the database itself refuses the second writer.
 *
 * The claim is the commit point of the create it guards and carries a copy of the record it
 * admits. A create interrupted between its claim and its record (crash, timeout) is therefore
 * finished by whoever next looks the key up, from that copy: no claim ever points at nothing,
 * and nothing depends on timing.
 */
export interface Claim<T> {
  readonly id: string;
  readonly record: T;
  readonly etag: string;
}

type ClaimDoc<T> = {
  id: string;
  /** The unique value in clear, for whoever reads the container. */
  key: string[];
  record: T;
  _etag?: string;
};

/** Claim ids are hashed: ids may not hold `/ \ ? #` nor exceed 255 characters, keys are input. */
export function claimId(kind: string, ...parts: string[]): string {
  return `${kind}:${createHash('sha256').update(JSON.stringify(parts)).digest('base64url')}`;
}

export class Claims {
  constructor(private readonly cosmos: CosmosDatabase) {}

  async read<T>(id: string): Promise<Claim<T> | null> {
    const resource = await this.cosmos.readItem<ClaimDoc<T>>(this.cosmos.keys, id);
    return resource ? { id, record: resource.record, etag: resource._etag ?? '' } : null;
  }

  /** Claims `id` for `record`, and returns the claim as it then stands: this one or the holder's. */
  async take<T>(id: string, key: readonly string[], record: T): Promise<Claim<T>> {
    for (;;) {
      const created = await unless(
        [CONFLICT],
        async () => {
          const { resource } = await this.cosmos.keys.items.create<ClaimDoc<T>>({
            id,
            key: [...key],
            record,
          });
          return { id, record, etag: resource?._etag ?? '' };
        },
        () => null,
      );
      if (created) return created;
      const held = await this.read<T>(id);
      if (held) return held;
      // Released between our create and our read: try again.
    }
  }

  /** Deletes the claim, unless it changed since it was read. */
  async release(claim: Claim<unknown>): Promise<void> {
    await unless(
      [NOT_FOUND, PRECONDITION_FAILED],
      async () => {
        await this.cosmos.keys
          .item(claim.id, claim.id)
          .delete({ accessCondition: { type: 'IfMatch', condition: claim.etag } });
      },
      () => undefined,
    );
  }
}
