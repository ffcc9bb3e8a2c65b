import { useEffect, useState } from 'preact/hooks';
import { Spinner } from './ui.tsx';
import { api, describeError, ProblemError, unwrap } from '../lib/api.ts';
import { formatFireTime } from '../lib/format.ts';

/** How long typing must pause before the service is asked. */
const DEBOUNCE_MS = 300;

/** What the service said of a cron expression in a time zone. */
export type FireTimesPreview =
  | { cron: string; timezone: string; fireTimes: string[]; problem?: undefined }
  | { cron: string; timezone: string; fireTimes?: undefined; problem: string };

export interface FireTimesState {
  /** The latest answer (possibly for an earlier value while `pending`), or null before any. */
  preview: FireTimesPreview | null;
  /** A request for the current value is waiting or under way. */
  pending: boolean;
}

/**
 * The next fire times of `cron` in `timezone` as the service computes them
 * (`GET /schedules/fire-times`, checked as a save would check it), asked once typing pauses. A
 * newer value aborts the request for an older one, so a stale answer never shows.
 */
export function useFireTimes(cron: string, timezone: string): FireTimesState {
  const expression = cron.trim();
  const [state, setState] = useState<FireTimesState>({ preview: null, pending: false });

  useEffect(() => {
    if (!expression) {
      setState({ preview: null, pending: false });
      return;
    }
    setState((current) => ({ ...current, pending: true }));
    const controller = new AbortController();
    const timer = setTimeout(() => {
      void (async () => {
        let preview: FireTimesPreview;
        try {
          preview = unwrap(
            await api.GET('/api/v1/schedules/fire-times', {
              params: { query: { cron: expression, timezone } },
              signal: controller.signal,
            }),
          );
        } catch (error) {
          preview = { cron: expression, timezone, problem: problemInWords(error) };
        }
        if (!controller.signal.aborted) setState({ preview, pending: false });
      })();
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [expression, timezone]);

  return state;
}

const FIELD_NAMES: Record<string, string> = {
  cron: 'The cron expression',
  timezone: 'The time zone',
};

/**
 * A 400 naming `cron` or `timezone` as a sentence about the form's field ("The cron expression
 * never fires: …"); anything else as the problem's detail.
 */
function problemInWords(error: unknown): string {
  const named =
    error instanceof ProblemError && error.status === 400
      ? (error.problem.errors ?? []).filter((e) => e.field in FIELD_NAMES)
      : [];
  if (named.length === 0) return describeError(error);
  return named
    .map(({ field, message }) => {
      const predicate = message.startsWith(`${field} `) ? message.slice(field.length + 1) : message;
      const sentence = `${FIELD_NAMES[field]} ${predicate}`;
      return sentence.endsWith('.') ? sentence : `${sentence}.`;
    })
    .join(' ');
}

/**
 * The line under the cron field, read out politely as it changes: the problem in plain words, or
 * (for screen readers only) when the schedule would fire next.
 */
export function FireTimesCheck({ id, state }: { id: string; state: FireTimesState }) {
  const { preview } = state;
  const text = preview?.problem
    ? preview.problem
    : preview?.fireTimes?.length
      ? `Fires next on ${formatFireTime(preview.fireTimes[0], preview.timezone)} (${preview.timezone}); the next ${preview.fireTimes.length} fire times are listed below.`
      : '';
  return (
    <p id={id} class={preview?.problem ? 'field-problem' : 'visually-hidden'} aria-live="polite">
      {text}
    </p>
  );
}

/** The next fire times, in the schedule's time zone and, when it differs, the user's own. */
export function FireTimesTable({ state, localZone }: { state: FireTimesState; localZone: string }) {
  const { preview, pending } = state;
  let body;
  if (!preview) {
    body = pending ? (
      <Spinner label="Working out the next fire times…" />
    ) : (
      <p class="muted">Pick a preset under “When”, or type a cron expression.</p>
    );
  } else if (!preview.fireTimes) {
    body = <p class="muted">None until the cron expression is fixed.</p>;
  } else {
    const rows = preview.fireTimes.map((time) => ({
      time,
      there: formatFireTime(time, preview.timezone),
      here: formatFireTime(time, localZone),
    }));
    const showLocal = rows.some((row) => row.here !== row.there);
    body = (
      <table class="fire-table">
        <thead>
          <tr>
            <th scope="col">{preview.timezone}</th>
            {showLocal && <th scope="col">Your time ({localZone})</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.time}>
              <td>
                <time dateTime={row.time}>{row.there}</time>
              </td>
              {showLocal && <td class="muted">{row.here}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  return (
    <section
      class={`fire-preview${pending && preview ? ' fire-preview-stale' : ''}`}
      aria-labelledby="fire-preview-title"
      aria-busy={pending}
    >
      <h3 id="fire-preview-title">Next fire times</h3>
      {body}
    </section>
  );
}
