import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  expectAbortedInFlight,
  FAKE_CHAT_CONTENT,
  startOpenAiFake,
  type OpenAiBehaviour,
  type OpenAiFake,
} from '../../test/fakes/openai.fake.js';
import { ProviderError } from '../providers/image-provider.js';
import { LlmPromptStrategy, MAX_LLM_PROMPT_LENGTH } from './llm.prompt-strategy.js';

let fake: OpenAiFake;

beforeEach(async () => {
  fake = await startOpenAiFake();
});

afterEach(async () => {
  await fake.close();
});

function strategy(options: { apiKey?: string; timeoutMs?: number } = {}): LlmPromptStrategy {
  return new LlmPromptStrategy({
    apiKey: 'sk-test',
    baseUrl: fake.baseUrl,
    model: 'gpt-4o-mini',
    ...options,
  });
}

const input = (theme: string | null = 'foxes in winter', seed = 42) => ({
  theme,
  text: null,
  seed,
});

async function promptFor(content: string): Promise<string> {
  fake.script({ kind: 'success', content });
  return (await strategy().make(input())).prompt;
}

/** The error making a prompt fails with when the fake answers `answer`. */
async function failureFor(answer: OpenAiBehaviour): Promise<ProviderError> {
  fake.script(answer);
  return failure(strategy().make(input()));
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

type Message = { role: string; content: string };
const lastChat = () => fake.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;

describe('LlmPromptStrategy', () => {
  it('turns a theme into one prompt, sending the theme, model, seed and a token cap', async () => {
    const made = await strategy().make(input('foxes in winter', 1234));

    expect(made).toEqual({
      strategy: 'llm',
      theme: 'foxes in winter',
      prompt: FAKE_CHAT_CONTENT,
      parts: null,
    });
    const { body, headers } = lastChat();
    expect(headers.authorization).toBe('Bearer sk-test');
    expect(body.model).toBe('gpt-4o-mini');
    expect(body.seed).toBe(1234);
    expect(body.max_tokens).toBeLessThanOrEqual(300);
    const messages = body.messages as Message[];
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(messages[0].content).toMatch(/one prompt/i);
    expect(messages[1].content).toContain('foxes in winter');
  });

  it('with no theme, asks for a surprise', async () => {
    const made = await strategy().make(input(null));

    expect(made.theme).toBeNull();
    expect(made.prompt).toBe(FAKE_CHAT_CONTENT);
    const messages = lastChat().body.messages as Message[];
    expect(messages[1].content).toMatch(/surprise/i);
  });

  it.each([
    ['"Prompt: A fox in the snow at dusk"', 'A fox in the snow at dusk'],
    ['Image prompt: "A fox in the snow at dusk"', 'A fox in the snow at dusk'],
    ["Here's your prompt:\n\n“A fox in the snow at dusk”", 'A fox in the snow at dusk'],
    ['Sure! Here is one: A fox in the snow at dusk', 'A fox in the snow at dusk'],
    ['**Prompt:** A fox in the snow at dusk', 'A fox in the snow at dusk'],
    ['  A fox\n in   the snow,\tat dusk  ', 'A fox in the snow, at dusk'],
    ["'A fox's den under the snow'", "A fox's den under the snow"],
    ['"Hush" says the fox to the "moon"', '"Hush" says the fox to the "moon"'],
    [
      'Sure-footed goats on a cliff: dawn, ink wash',
      'Sure-footed goats on a cliff: dawn, ink wash',
    ],
  ])('cleans %j into %j', async (content, expected) => {
    expect(await promptFor(content)).toBe(expected);
  });

  it(`caps a long answer at ${MAX_LLM_PROMPT_LENGTH} characters, at a word boundary`, async () => {
    const prompt = await promptFor('A fox in the snow, '.repeat(100));

    expect(prompt.length).toBeLessThanOrEqual(MAX_LLM_PROMPT_LENGTH);
    expect(prompt.length).toBeGreaterThan(MAX_LLM_PROMPT_LENGTH * 0.8);
    expect(prompt).toMatch(/^A fox in the snow, .*\b\w+$/);
  });

  it('an empty answer is a retryable provider_error', async () => {
    const error = await failureFor({ kind: 'success', content: '  "  " ' });

    expect(error).toMatchObject({ code: 'provider_error', retryable: true });
  });

  it.each<[string, OpenAiBehaviour, string]>([
    [
      'a refusal is content_policy with the model’s words, never retried',
      { kind: 'success', refusal: "I can't help with that theme." },
      "I can't help with that theme.",
    ],
    [
      'a content-policy 400 is content_policy with the provider message',
      { kind: 'content_policy', message: 'This theme is not allowed.' },
      'This theme is not allowed.',
    ],
  ])('%s', async (_label, answer, message) => {
    const error = await failureFor(answer);

    expect(error).toMatchObject({ code: 'content_policy', retryable: false, message });
  });

  it('429 is rate_limited with the Retry-After wait; 500 is a retryable provider_error', async () => {
    fake.script({ kind: 'rate_limited', retryAfter: '3' }, { kind: 'server_error' });
    const limited = await failure(strategy().make(input()));
    const broken = await failure(strategy().make(input()));

    expect(limited).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 3000 });
    expect(broken).toMatchObject({ code: 'provider_error', retryable: true });
  });

  it('a bad key is provider_auth, not retried', async () => {
    const error = await failureFor({
      kind: 'error',
      status: 401,
      body: { error: { message: 'Incorrect API key' } },
    });

    expect(error).toMatchObject({ code: 'provider_auth', retryable: false });
  });

  it('a hung call times out (retryable), and an abort rejects at once with its reason', async () => {
    fake.script({ kind: 'hang' }, { kind: 'hang' });
    const timedOut = await failure(strategy({ timeoutMs: 200 }).make(input()));
    expect(timedOut).toMatchObject({ code: 'timeout', retryable: true });

    const controller = new AbortController();
    const pending = strategy().make(input(), controller.signal);
    await expectAbortedInFlight(fake, controller, pending, 2);
  });

  it('without an API key it fails as provider_auth, calling nothing', async () => {
    const error = await failure(strategy({ apiKey: undefined }).make(input()));

    expect(error).toMatchObject({ code: 'provider_auth', retryable: false });
    expect(fake.requests).toHaveLength(0);
  });
});
