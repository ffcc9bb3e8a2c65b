import type { CreateGeneration, Provider, ProviderModel } from '../lib/api.ts';
import { parseTags } from '../lib/format.ts';

export type Strategy = 'random' | 'literal' | 'llm';

/** What to generate, as the form holds it (strings, '' = the service's default). */
export interface Recipe {
  strategy: Strategy;
  theme: string;
  prompt: string;
  provider: string;
  model: string;
  size: string;
  n: string;
  quality: string;
  style: string;
  negativePrompt: string;
  seed: string;
  visibility: 'public' | 'private';
  tags: string;
}

export const EMPTY_RECIPE: Recipe = {
  strategy: 'random',
  theme: '',
  prompt: '',
  provider: '',
  model: '',
  size: '',
  n: '1',
  quality: '',
  style: '',
  negativePrompt: '',
  seed: '',
  visibility: 'public',
  tags: '',
};

/** The chosen provider and model (the defaults when none is chosen). */
export function resolveChoice(
  recipe: Recipe,
  providers: readonly Provider[],
): { provider?: Provider; model?: ProviderModel } {
  const provider =
    providers.find((p) => p.name === recipe.provider) ?? providers.find((p) => p.isDefault);
  const model =
    provider?.models.find((m) => m.id === recipe.model) ??
    provider?.models.find((m) => m.id === provider.defaultModel) ??
    provider?.models[0];
  return { provider, model };
}

/** The request body: only what the user chose, so the service fills the rest from defaults. */
export function recipeBody(recipe: Recipe, providers: readonly Provider[]): CreateGeneration {
  const { model } = resolveChoice(recipe, providers);
  const body: CreateGeneration = { strategy: recipe.strategy, visibility: recipe.visibility };
  const text = (value: string) => value.trim() || undefined;
  if (recipe.strategy === 'literal') body.prompt = text(recipe.prompt);
  else body.theme = text(recipe.theme);
  body.provider = text(recipe.provider);
  body.model = text(recipe.model);
  body.size = text(recipe.size);
  if (recipe.n.trim()) body.n = Number(recipe.n);
  if (model?.qualities.length) body.quality = text(recipe.quality);
  if (model?.styles.length) body.style = text(recipe.style);
  if (model?.supportsNegativePrompt) body.negativePrompt = text(recipe.negativePrompt);
  if (model?.supportsSeed && recipe.seed.trim()) body.seed = Number(recipe.seed);
  const tags = parseTags(recipe.tags);
  if (tags.length > 0) body.tags = tags;
  return body;
}

interface Props {
  value: Recipe;
  onChange: (recipe: Recipe) => void;
  providers: readonly Provider[];
  /** Prefix for element ids (two forms on a page). */
  id: string;
  withSeed?: boolean;
}

/** The "what to generate" fields, shared by Generate and Schedules, driven by `GET /providers`. */
export function GenerationFields({ value, onChange, providers, id, withSeed = true }: Props) {
  const { provider, model } = resolveChoice(value, providers);
  const set = <K extends keyof Recipe>(key: K, next: Recipe[K]) => {
    const recipe = { ...value, [key]: next };
    // A new provider or model may not take the old model, size, quality or style.
    if (key === 'provider') Object.assign(recipe, { model: '', size: '', quality: '', style: '' });
    if (key === 'model') Object.assign(recipe, { size: '', quality: '', style: '' });
    onChange(recipe);
  };
  const input = (event: Event) => (event.currentTarget as HTMLInputElement).value;
  const openai = providers.find((p) => p.name === 'openai');

  return (
    <>
      <fieldset class="field">
        <legend>Prompt</legend>
        <div class="radios">
          {(
            [
              ['random', 'Random', 'drawn from curated word lists'],
              ['literal', 'My own', 'your words, as they are'],
              ['llm', 'LLM', 'a language model writes it from a theme'],
            ] as const
          ).map(([strategy, label, hint]) => (
            <label key={strategy} class="radio">
              <input
                type="radio"
                name={`${id}-strategy`}
                value={strategy}
                checked={value.strategy === strategy}
                onChange={() => set('strategy', strategy)}
              />
              <span>
                {label} <span class="muted small">({hint})</span>
              </span>
            </label>
          ))}
        </div>
        {value.strategy === 'llm' && openai && !openai.configured && (
          <p class="hint">
            The LLM strategy needs <code>OPENAI_API_KEY</code> set on the server.
          </p>
        )}
      </fieldset>
      {value.strategy === 'literal' ? (
        <div class="field">
          <label for={`${id}-prompt`}>Your prompt</label>
          <textarea
            id={`${id}-prompt`}
            rows={3}
            required
            maxLength={4000}
            value={value.prompt}
            onInput={(e) => set('prompt', input(e))}
          />
        </div>
      ) : (
        <div class="field">
          <label for={`${id}-theme`}>Theme {value.strategy === 'random' && '(optional)'}</label>
          <input
            id={`${id}-theme`}
            type="text"
            maxLength={200}
            required={value.strategy === 'llm'}
            placeholder="e.g. a lighthouse in winter"
            value={value.theme}
            onInput={(e) => set('theme', input(e))}
          />
        </div>
      )}
      <div class="field-row">
        <div class="field">
          <label for={`${id}-provider`}>Provider</label>
          <select
            id={`${id}-provider`}
            value={value.provider}
            onChange={(e) => set('provider', input(e))}
            aria-describedby={`${id}-provider-hint`}
          >
            <option value="">Default{provider?.isDefault ? ` (${provider.name})` : ''}</option>
            {providers.map((p) => (
              <option key={p.name} value={p.name} disabled={!p.configured}>
                {p.name}
                {p.configured ? '' : ` (needs ${p.missing.join(', ')})`}
              </option>
            ))}
          </select>
          <p class="hint" id={`${id}-provider-hint`}>
            {provider?.description}
          </p>
        </div>
        <div class="field">
          <label for={`${id}-model`}>Model</label>
          <select id={`${id}-model`} value={value.model} onChange={(e) => set('model', input(e))}>
            <option value="">Default{provider ? ` (${provider.defaultModel})` : ''}</option>
            {provider?.models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.id}
              </option>
            ))}
          </select>
          <p class="hint">{model?.description}</p>
        </div>
      </div>
      <div class="field-row">
        <div class="field">
          <label for={`${id}-size`}>Size</label>
          <select id={`${id}-size`} value={value.size} onChange={(e) => set('size', input(e))}>
            <option value="">Default{model ? ` (${model.defaultSize})` : ''}</option>
            {model?.sizes.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={`${id}-n`}>Images</label>
          <input
            id={`${id}-n`}
            type="number"
            min={1}
            max={model?.maxN ?? 10}
            value={value.n}
            onInput={(e) => set('n', input(e))}
          />
        </div>
        {model && model.qualities.length > 0 && (
          <div class="field">
            <label for={`${id}-quality`}>Quality</label>
            <select
              id={`${id}-quality`}
              value={value.quality}
              onChange={(e) => set('quality', input(e))}
            >
              <option value="">Default</option>
              {model.qualities.map((q) => (
                <option key={q} value={q}>
                  {q}
                </option>
              ))}
            </select>
          </div>
        )}
        {model && model.styles.length > 0 && (
          <div class="field">
            <label for={`${id}-style`}>Style</label>
            <select id={`${id}-style`} value={value.style} onChange={(e) => set('style', input(e))}>
              <option value="">Default</option>
              {model.styles.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
        )}
        {withSeed && model?.supportsSeed && (
          <div class="field">
            <label for={`${id}-seed`}>Seed (optional)</label>
            <input
              id={`${id}-seed`}
              type="number"
              min={0}
              max={2147483647}
              value={value.seed}
              onInput={(e) => set('seed', input(e))}
            />
          </div>
        )}
      </div>
      {model?.supportsNegativePrompt ? (
        <div class="field">
          <label for={`${id}-negative`}>Negative prompt (optional)</label>
          <input
            id={`${id}-negative`}
            type="text"
            maxLength={2000}
            placeholder="what the image should not show"
            value={value.negativePrompt}
            onInput={(e) => set('negativePrompt', input(e))}
          />
        </div>
      ) : (
        model && <p class="hint">{model.id} takes no negative prompt.</p>
      )}
      <div class="field-row">
        <fieldset class="field">
          <legend>Visibility</legend>
          <div class="radios">
            {(['public', 'private'] as const).map((visibility) => (
              <label key={visibility} class="radio">
                <input
                  type="radio"
                  name={`${id}-visibility`}
                  value={visibility}
                  checked={value.visibility === visibility}
                  onChange={() => set('visibility', visibility)}
                />
                <span>{visibility === 'public' ? 'Public' : 'Private (only me)'}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div class="field">
          <label for={`${id}-tags`}>Tags (comma-separated)</label>
          <input
            id={`${id}-tags`}
            type="text"
            value={value.tags}
            onInput={(e) => set('tags', input(e))}
          />
        </div>
      </div>
    </>
  );
}

/** Which providers work here, and what to set on the server for those that do not. */
export function ProviderStatus({ providers }: { providers: readonly Provider[] }) {
  return (
    <ul class="provider-status">
      {providers.map((p) => (
        <li key={p.name}>
          <strong>{p.name}</strong>
          {p.isDefault && <span class="muted"> (default)</span>}:{' '}
          {p.configured ? (
            <span class="ok-text">ready</span>
          ) : (
            <span>
              not configured: set{' '}
              {p.missing.map((name, i) => (
                <span key={name}>
                  {i > 0 && ', '}
                  <code>{name}</code>
                </span>
              ))}{' '}
              on the server
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
