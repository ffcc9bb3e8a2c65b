import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import {
  EMPTY_RECIPE,
  GenerationFields,
  ProviderStatus,
  recipeBody,
  type Recipe,
} from '../components/generation-fields.tsx';
import { JobCard, JobProgress } from '../components/job.tsx';
import { ErrorNote, PageTitle, SignInPrompt, Spinner, useTitle } from '../components/ui.tsx';
import {
  api,
  describeError,
  unwrap,
  type CreateGeneration,
  type Generation,
  type Provider,
} from '../lib/api.ts';
import { useJobs } from '../lib/jobs.ts';
import { loadProviders } from '../lib/providers.ts';
import { useSession } from '../lib/session.ts';

export function GeneratePage() {
  useTitle('Generate');
  const current = useSession();
  if (!current) {
    return (
      <>
        <PageTitle>Generate</PageTitle>
        <SignInPrompt what="generate images" />
      </>
    );
  }
  return <Generator />;
}

function Generator() {
  const { query } = useLocation();
  const [focus, setFocus] = useState<string | null>(null);
  const jobs = useJobs(focus);
  const [providers, setProviders] = useState<Provider[]>([]);
  const [recipe, setRecipe] = useState<Recipe>(EMPTY_RECIPE);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [remixNote, setRemixNote] = useState<string | null>(null);
  const progress = useRef<HTMLElement>(null);

  useEffect(() => {
    loadProviders().then(setProviders, (e: unknown) => setError(describeError(e)));
  }, []);

  // Remix: the form pre-filled with an image's parameters.
  useEffect(() => {
    if (!query.remix) return;
    void remixRecipe(query.remix).then(
      (filled) => {
        setRecipe(filled);
        setRemixNote('The form holds the image’s parameters: change what you like, then Generate.');
        document.getElementById('gen-form')?.scrollIntoView({ block: 'start' });
      },
      (e: unknown) => setError(describeError(e)),
    );
  }, [query.remix]);

  /** Starts a job; no body is the API's "surprise me": a random prompt, the default provider. */
  const start = async (options: { body?: CreateGeneration }) => {
    setStarting(true);
    setError(null);
    try {
      const job = unwrap(await api.POST('/api/v1/generations', options));
      jobs.add(job);
      setFocus(job.id);
      requestAnimationFrame(() => progress.current?.scrollIntoView({ block: 'nearest' }));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setStarting(false);
    }
  };

  const focused = jobs.list.find((job) => job.id === focus);
  return (
    <>
      <PageTitle>Generate</PageTitle>
      <div class="generate">
        <section class="panel surprise" aria-labelledby="surprise-title">
          <h2 id="surprise-title">One click</h2>
          <p>A random prompt from curated word lists, drawn by the default provider.</p>
          <button
            class="button button-primary button-big"
            type="button"
            disabled={starting}
            onClick={() => void start({})}
          >
            Surprise me
          </button>
          <ErrorNote error={error} />
          <section ref={progress} class="current-job" aria-label="Current generation">
            {focused ? (
              <JobProgress job={focused} images={jobs.images} />
            ) : (
              <p class="muted">Your image shows here as soon as it is ready.</p>
            )}
          </section>
        </section>
        <section class="panel" aria-labelledby="form-title" id="gen-form">
          <h2 id="form-title">Your way</h2>
          {remixNote && <p class="note note-info">{remixNote}</p>}
          <form
            class="form"
            onSubmit={(event) => {
              event.preventDefault();
              void start({ body: recipeBody(recipe, providers) });
            }}
          >
            <GenerationFields id="gen" value={recipe} onChange={setRecipe} providers={providers} />
            <div class="actions">
              <button class="button button-primary" type="submit" disabled={starting}>
                Generate
              </button>
              <button
                class="button button-quiet"
                type="button"
                onClick={() => setRecipe(EMPTY_RECIPE)}
              >
                Reset
              </button>
            </div>
          </form>
          <details class="providers-details">
            <summary>Providers on this server</summary>
            <ProviderStatus providers={providers} />
          </details>
        </section>
      </div>
      <section class="panel" aria-labelledby="jobs-title">
        <h2 id="jobs-title">My recent jobs</h2>
        <ErrorNote error={jobs.error} />
        {jobs.loading && jobs.list.length === 0 && <Spinner label="Loading jobs…" />}
        {!jobs.loading && jobs.list.length === 0 && (
          <p class="muted">No jobs yet: press Surprise me.</p>
        )}
        <ul class="jobs">
          {jobs.list.map((job: Generation) => (
            <JobCard
              key={job.id}
              job={job}
              images={jobs.images}
              onCancel={() => void jobs.cancel(job.id)}
            />
          ))}
        </ul>
      </section>
    </>
  );
}

/** The Generate form filled from an image (and its job's request, when the job is mine). */
async function remixRecipe(imageId: string): Promise<Recipe> {
  const image = unwrap(await api.GET('/api/v1/images/{id}', { params: { path: { id: imageId } } }));
  const recipe: Recipe = {
    ...EMPTY_RECIPE,
    strategy: 'literal',
    prompt: image.lineage.prompt ?? image.prompt,
    theme: image.lineage.theme ?? '',
    provider: image.provider,
    model: image.model,
    size: `${image.width}x${image.height}`,
    seed: image.seed === null ? '' : String(image.seed),
    negativePrompt: image.negativePrompt ?? '',
    visibility: image.visibility,
    tags: image.tags.join(', '),
  };
  const job = await api.GET('/api/v1/generations/{id}', { params: { path: { id: image.jobId } } });
  if (job.data) {
    recipe.quality = job.data.request.quality ?? '';
    recipe.style = job.data.request.style ?? '';
  }
  return recipe;
}
