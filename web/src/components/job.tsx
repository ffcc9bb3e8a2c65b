import { useEffect, useState } from 'preact/hooks';
import type { Generation, Image } from '../lib/api.ts';
import { formatTime, plural, truncate } from '../lib/format.ts';
import { StatusBadge } from './ui.tsx';

function promptOf(job: Generation): string {
  if (job.lineage.prompt) return job.lineage.prompt;
  if (job.request.prompt) return job.request.prompt;
  const theme = job.lineage.theme ?? job.request.theme;
  return theme
    ? `A ${job.request.strategy} prompt about “${theme}”`
    : `A ${job.request.strategy} prompt`;
}

const STEPS = [
  { status: 'queued', label: 'Queued' },
  { status: 'running', label: 'Drawing' },
  { status: 'succeeded', label: 'Done' },
] as const;

/** Seconds since `from`, ticking while `running`. */
function useElapsed(from: string, to: string | null): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (to) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [to]);
  return Math.max(0, Math.round(((to ? Date.parse(to) : now) - Date.parse(from)) / 1000));
}

/** The job in focus: steps, elapsed time, and its images as soon as they exist. */
export function JobProgress({
  job,
  images,
}: {
  job: Generation;
  images: ReadonlyMap<string, Image>;
}) {
  const elapsed = useElapsed(job.createdAt, job.finishedAt);
  const active = job.status === 'queued' || job.status === 'running';
  const reached = STEPS.findIndex((step) => step.status === job.status);
  return (
    <div class="progress-panel">
      <ol class="steps" aria-label="Progress">
        {STEPS.map((step, index) => (
          <li
            key={step.status}
            class={
              index < reached || job.status === 'succeeded'
                ? 'step-done'
                : index === reached
                  ? 'step-now'
                  : ''
            }
            aria-current={index === reached ? 'step' : undefined}
          >
            {step.label}
          </li>
        ))}
      </ol>
      <p role="status" class="progress-status">
        <StatusBadge status={job.status} /> {active ? `${elapsed} s` : `in ${elapsed} s`}
      </p>
      {active && <progress class="progress" aria-label="Generating" />}
      <p class="progress-prompt">{promptOf(job)}</p>
      {job.status === 'failed' && job.error && (
        <p class="note note-error" role="alert">
          It failed: {job.error.message}
        </p>
      )}
      {job.status === 'canceled' && <p class="muted">Canceled.</p>}
      {job.status === 'succeeded' && (
        <div class="result-images">
          {job.imageIds.map((id) => {
            const image = images.get(id);
            return image ? (
              <a key={id} href={`/images/${id}`} class="result-image">
                <img
                  src={image.contentUrl}
                  alt={truncate(image.prompt, 140)}
                  width={image.width}
                  height={image.height}
                />
              </a>
            ) : (
              <span key={id} class="result-image skeleton" />
            );
          })}
        </div>
      )}
    </div>
  );
}

/** One of my recent jobs in the list: status, prompt, error, cancel, thumbnail. */
export function JobCard({
  job,
  images,
  onCancel,
}: {
  job: Generation;
  images: ReadonlyMap<string, Image>;
  onCancel: () => void;
}) {
  const first = job.imageIds[0] ? images.get(job.imageIds[0]) : undefined;
  const active = job.status === 'queued' || job.status === 'running';
  return (
    <li class="job">
      <div class="job-thumb">
        {first ? (
          <a href={`/images/${first.id}`}>
            <img
              src={first.thumbnailUrl}
              alt={truncate(first.prompt, 100)}
              width={72}
              height={72}
            />
          </a>
        ) : (
          <span class="job-thumb-empty" aria-hidden="true" />
        )}
      </div>
      <div class="job-body">
        <p class="job-prompt">{truncate(promptOf(job), 160)}</p>
        <p class="job-meta muted small">
          <StatusBadge status={job.status} /> {job.request.provider} · {job.request.model} ·{' '}
          {job.request.size} · {plural(job.request.n, 'image')} ·{' '}
          <time dateTime={job.createdAt}>{formatTime(job.createdAt)}</time>
        </p>
        {job.error && (job.status === 'failed' || active) && (
          <p class={job.status === 'failed' ? 'job-error' : 'muted small'}>
            {job.status === 'failed' ? 'Failed: ' : 'Last attempt failed, retrying: '}
            {job.error.message}
          </p>
        )}
      </div>
      {active && (
        <button class="button button-small" type="button" onClick={onCancel}>
          Cancel<span class="visually-hidden"> job: {truncate(promptOf(job), 60)}</span>
        </button>
      )}
    </li>
  );
}
