import { startOpenAiFake, type OpenAiFake } from '../fakes/openai.fake.js';
import { startReplicateFake, type ReplicateFake } from '../fakes/replicate.fake.js';
import { describeWalk } from './walk.js';

/**
 * The same walk with the real OpenAI and Replicate SDKs as the default provider, pointed at
 * loopback fakes that speak their wire protocols. On OpenAI the prompt comes from the `llm`
 * strategy (chat) and DALL·E 3 revises it: the lineage shows all three.
 */
describeWalk(
  'IMAGE_PROVIDER=openai (dall-e-3) with PROMPT_STRATEGY=llm, on a wire fake',
  async () => {
    const fake: OpenAiFake = await startOpenAiFake();
    return {
      env: {
        IMAGE_PROVIDER: 'openai',
        PROMPT_STRATEGY: 'llm',
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: fake.baseUrl,
        OPENAI_IMAGE_MODEL: 'dall-e-3',
        OPENAI_IMAGES_PER_MINUTE: '1000',
      },
      stop: () => fake.close(),
    };
  },
  {
    strategy: 'llm',
    provider: 'openai',
    model: 'dall-e-3',
    size: '1024x1024',
    smallSize: '1024x1024',
    width: 1024,
    height: 1024,
    revises: true,
  },
);

describeWalk(
  'IMAGE_PROVIDER=replicate (flux-schnell), on a wire fake',
  async () => {
    const fake: ReplicateFake = await startReplicateFake();
    return {
      env: {
        IMAGE_PROVIDER: 'replicate',
        REPLICATE_API_TOKEN: fake.token,
        REPLICATE_BASE_URL: fake.baseUrl,
        REPLICATE_IMAGES_PER_MINUTE: '1000',
      },
      stop: () => fake.close(),
    };
  },
  {
    strategy: 'random',
    provider: 'replicate',
    model: 'black-forest-labs/flux-schnell',
    size: '1024x1024',
    smallSize: '1024x1024',
    width: 64,
    height: 64,
    revises: false,
  },
);
