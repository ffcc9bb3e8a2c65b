/** Lifecycle of the record store behind the repositories. */
export abstract class RecordStore {
  /** Resolves when the store answers a trivial query; rejects with the reason otherwise. */
  abstract ping(): Promise<void>;
}
