/** The generation runner's unit tests' doubles: a scripted provider, observed real stores. */
import sharp from 'sharp';
import {
  ImageProvider,
  type ProviderCapabilities,
  type ProviderImage,
  type ProviderRequest,
} from '../../src/providers/image-provider.js';
import { LocalBlobStore } from '../../src/storage/blobs/local.blob-store.js';
import { SqliteImagesRepository } from '../../src/storage/records/sqlite/sqlite.images.repository.js';

export type Step = (request: ProviderRequest) => Promise<ProviderImage[]>;

/** A provider that plays a script, one step per call: the port's fake for these unit tests. */
export class ScriptedProvider extends ImageProvider {
  readonly name = 'scripted';
  readonly description = 'test';
  steps: Step[] = [];
  calls: ProviderRequest[] = [];
  status() {
    return { configured: true, missing: [] };
  }
  capabilities(): ProviderCapabilities {
    return {
      defaultModel: 'm',
      models: [
        {
          id: 'm',
          description: '',
          sizes: ['64x64'],
          defaultSize: '64x64',
          maxN: 4,
          supportsSeed: true,
          supportsNegativePrompt: true,
          qualities: [],
          styles: [],
        },
      ],
    };
  }
  async generate(request: ProviderRequest) {
    this.calls.push(request);
    const step = this.steps.shift();
    if (!step) throw new Error('script ran out');
    return step(request);
  }
}

/** The real local store, with a hook to act between writes (to interrupt a run mid-way). */
export class ObservedBlobStore extends LocalBlobStore {
  puts = 0;
  onPut?: (count: number) => void;
  override async put(...args: Parameters<LocalBlobStore['put']>) {
    const info = await super.put(...args);
    this.onPut?.(++this.puts);
    return info;
  }
}

/** The real SQLite images repository, with a hook once a record is written. */
export class ObservedImagesRepository extends SqliteImagesRepository {
  onInsert?: () => void;
  override async insert(...args: Parameters<SqliteImagesRepository['insert']>) {
    const record = await super.insert(...args);
    this.onInsert?.();
    return record;
  }
}

export const png = (colour: string) =>
  sharp({ create: { width: 64, height: 64, channels: 3, background: colour } })
    .png()
    .toBuffer();
export const images =
  (n: number): Step =>
  async (request) =>
    Promise.all(
      Array.from({ length: n }, async (_, i) => ({
        bytes: await png(i % 2 ? '#123456' : '#abcdef'),
        revisedPrompt: `revised ${request.prompt}`,
        seed: request.seed + i,
      })),
    );
