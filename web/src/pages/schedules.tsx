import { useEffect, useState } from 'preact/hooks';
import { useConfirm } from '../components/confirm.tsx';
import { FireTimesCheck, FireTimesTable, useFireTimes } from '../components/fire-times.tsx';
import {
  EMPTY_RECIPE,
  GenerationFields,
  recipeBody,
  type Recipe,
} from '../components/generation-fields.tsx';
import {
  ErrorNote,
  PageTitle,
  SignInPrompt,
  Spinner,
  StatusBadge,
  StatusNote,
  useTitle,
} from '../components/ui.tsx';
import {
  api,
  describeError,
  unwrap,
  type CreateSchedule,
  type Provider,
  type Schedule,
  type ScheduleRun,
} from '../lib/api.ts';
import { formatFireTime, formatTime, plural, truncate } from '../lib/format.ts';
import { loadProviders } from '../lib/providers.ts';
import { useSession } from '../lib/session.ts';

const PRESETS = [
  { label: 'Every hour', cron: '0 * * * *' },
  { label: 'Every 15 minutes', cron: '*/15 * * * *' },
  { label: 'Every day at 9', cron: '0 9 * * *' },
  { label: 'Weekdays at 9', cron: '0 9 * * 1-5' },
  { label: 'Mondays at 9', cron: '0 9 * * 1' },
  { label: 'Every day at midnight', cron: '0 0 * * *' },
] as const;

const presetOf = (cron: string) => PRESETS.find((preset) => preset.cron === cron.trim());

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
let zones: string[] | null = null;
function timeZones(): string[] {
  zones ??= [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])];
  return zones;
}

export function SchedulesPage() {
  useTitle('Schedules');
  const current = useSession();
  if (!current) {
    return (
      <>
        <PageTitle>Schedules</PageTitle>
        <SignInPrompt what="make images on a schedule" />
      </>
    );
  }
  return <Schedules admin={current.user.role === 'admin'} />;
}

function Schedules({ admin }: { admin: boolean }) {
  const [schedules, setSchedules] = useState<Schedule[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [providers, setProviders] = useState<Provider[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Schedule | 'new' | null>(null);
  const [justSaved, setJustSaved] = useState<string | null>(null);

  const load = async (cursor?: string) => {
    try {
      const page = unwrap(
        await api.GET('/api/v1/schedules', { params: { query: { limit: 50, cursor } } }),
      );
      setSchedules((current) => (cursor && current ? [...current, ...page.items] : page.items));
      setNextCursor(page.nextCursor ?? null);
    } catch (e) {
      setError(describeError(e));
    }
  };
  useEffect(() => {
    void load();
    loadProviders().then(setProviders, () => setProviders([]));
  }, []);

  const replace = (schedule: Schedule) =>
    setSchedules((current) => {
      const list = current ?? [];
      return list.some((s) => s.id === schedule.id)
        ? list.map((s) => (s.id === schedule.id ? schedule : s))
        : [schedule, ...list];
    });

  return (
    <>
      <div class="page-head">
        <PageTitle>Schedules</PageTitle>
        {editing === null && (
          <button class="button button-primary" type="button" onClick={() => setEditing('new')}>
            New schedule
          </button>
        )}
      </div>
      {admin && <p class="muted">As an admin you see every user’s schedules.</p>}
      <ErrorNote error={error} />
      {editing !== null && (
        <ScheduleForm
          key={editing === 'new' ? 'new' : editing.id}
          initial={editing === 'new' ? null : editing}
          providers={providers}
          onCancel={() => setEditing(null)}
          onSaved={(schedule) => {
            replace(schedule);
            setEditing(null);
            setJustSaved(schedule.id);
          }}
        />
      )}
      {schedules === null && !error && <Spinner label="Loading schedules…" />}
      {schedules?.length === 0 && editing === null && (
        <section class="panel empty">
          <p>No schedules yet. A schedule makes images by itself: every hour, weekdays at 9…</p>
          <p>
            <button class="button button-primary" type="button" onClick={() => setEditing('new')}>
              Make the first one
            </button>
          </p>
        </section>
      )}
      <ul class="schedules">
        {schedules?.map((schedule) => (
          <ScheduleCard
            key={schedule.id}
            schedule={schedule}
            justSaved={justSaved === schedule.id}
            onChange={replace}
            onEdit={() => {
              setEditing(schedule);
              window.scrollTo(0, 0);
            }}
            onDeleted={() =>
              setSchedules((list) => list?.filter((s) => s.id !== schedule.id) ?? null)
            }
          />
        ))}
      </ul>
      {nextCursor && (
        <p>
          <button class="button" type="button" onClick={() => void load(nextCursor)}>
            More schedules
          </button>
        </p>
      )}
    </>
  );
}

function recipeOf(schedule: Schedule): Recipe {
  const t = schedule.template;
  return {
    ...EMPTY_RECIPE,
    strategy: (['random', 'literal', 'llm'] as const).find((s) => s === t.strategy) ?? 'random',
    theme: t.theme ?? '',
    prompt: t.prompt ?? '',
    provider: t.provider,
    model: t.model,
    size: t.size,
    n: String(t.n),
    quality: t.quality ?? '',
    style: t.style ?? '',
    negativePrompt: t.negativePrompt ?? '',
    visibility: t.visibility,
    tags: t.tags.join(', '),
  };
}

function ScheduleForm({
  initial,
  providers,
  onSaved,
  onCancel,
}: {
  initial: Schedule | null;
  providers: Provider[];
  onSaved: (schedule: Schedule) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(initial?.name ?? '');
  const [cron, setCron] = useState(initial?.cron ?? PRESETS[0].cron);
  const [timezone, setTimezone] = useState(initial?.timezone ?? BROWSER_ZONE);
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  const [recipe, setRecipe] = useState<Recipe>(initial ? recipeOf(initial) : EMPTY_RECIPE);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const preset = presetOf(cron);
  const fireTimes = useFireTimes(cron, timezone);
  const problem = fireTimes.preview?.problem !== undefined;
  // A refusal of an earlier save no longer applies once the timing it may be about changes.
  const changeTiming = (next: { cron?: string; timezone?: string }) => {
    if (next.cron !== undefined) setCron(next.cron);
    if (next.timezone !== undefined) setTimezone(next.timezone);
    setError(null);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const what = recipeBody(recipe, providers);
    delete what.seed; // a schedule's runs each get a random seed
    const body: CreateSchedule = {
      ...what,
      name: name.trim(),
      cron: cron.trim(),
      timezone,
      enabled,
    };
    try {
      onSaved(
        unwrap(
          initial
            ? await api.PATCH('/api/v1/schedules/{id}', {
                params: { path: { id: initial.id } },
                body,
              })
            : await api.POST('/api/v1/schedules', { body }),
        ),
      );
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const value = (event: Event) => (event.currentTarget as HTMLInputElement).value;
  return (
    <section class="panel" aria-labelledby="schedule-form-title">
      <h2 id="schedule-form-title">{initial ? `Edit “${initial.name}”` : 'New schedule'}</h2>
      <form class="form" onSubmit={(event) => void submit(event)}>
        <div class="field">
          <label for="s-name">Name</label>
          <input
            id="s-name"
            type="text"
            required
            maxLength={100}
            value={name}
            onInput={(e) => setName(value(e))}
          />
        </div>
        <div class="field-row">
          <div class="field">
            <label for="s-preset">When</label>
            <select
              id="s-preset"
              value={preset?.cron ?? 'custom'}
              onChange={(e) => {
                const chosen = value(e);
                if (chosen !== 'custom') changeTiming({ cron: chosen });
              }}
            >
              {PRESETS.map((p) => (
                <option key={p.cron} value={p.cron}>
                  {p.label}
                </option>
              ))}
              <option value="custom">Custom (cron)</option>
            </select>
          </div>
          <div class="field">
            <label for="s-cron">Cron expression</label>
            <input
              id="s-cron"
              type="text"
              class="mono"
              required
              minLength={9}
              maxLength={120}
              value={cron}
              aria-describedby="s-cron-hint s-cron-check"
              aria-invalid={problem}
              onInput={(e) => changeTiming({ cron: value(e) })}
            />
            <p class="hint" id="s-cron-hint">
              minute hour day-of-month month day-of-week, e.g. <code>0 9 * * 1-5</code>
            </p>
            <FireTimesCheck id="s-cron-check" state={fireTimes} />
          </div>
          <div class="field">
            <label for="s-tz">Time zone</label>
            <select
              id="s-tz"
              value={timezone}
              onChange={(e) => changeTiming({ timezone: value(e) })}
            >
              {timeZones().map((zone) => (
                <option key={zone} value={zone}>
                  {zone}
                </option>
              ))}
            </select>
          </div>
        </div>
        <FireTimesTable state={fireTimes} localZone={BROWSER_ZONE} />
        <label class="check">
          <input
            type="checkbox"
            checked={enabled}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          Enabled (fires on its own)
        </label>
        <h3>What each run makes</h3>
        <GenerationFields
          id="sched"
          value={recipe}
          onChange={setRecipe}
          providers={providers}
          withSeed={false}
        />
        <ErrorNote error={error} />
        <div class="actions">
          <button class="button button-primary" type="submit" disabled={busy}>
            {initial ? 'Save changes' : 'Create schedule'}
          </button>
          <button class="button" type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

function summary(schedule: Schedule): string {
  const t = schedule.template;
  const what = t.prompt
    ? `“${truncate(t.prompt, 60)}”`
    : t.theme
      ? `${t.strategy} prompts about “${truncate(t.theme, 40)}”`
      : `${t.strategy} prompts`;
  return `${plural(t.n, 'image')} of ${what} by ${t.provider} ${t.model} at ${t.size}, ${t.visibility}`;
}

function ScheduleCard({
  schedule,
  justSaved,
  onChange,
  onEdit,
  onDeleted,
}: {
  schedule: Schedule;
  justSaved: boolean;
  onChange: (schedule: Schedule) => void;
  onEdit: () => void;
  onDeleted: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(justSaved ? 'Saved.' : null);
  const [runs, setRuns] = useState<ScheduleRun[] | null>(null);
  const [showRuns, setShowRuns] = useState(false);
  const [dialog, ask] = useConfirm();
  const preset = presetOf(schedule.cron);
  const id = schedule.id;

  const act = async (task: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      await task();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const loadRuns = async () => {
    const page = unwrap(
      await api.GET('/api/v1/schedules/{id}/runs', {
        params: { path: { id }, query: { limit: 20 } },
      }),
    );
    setRuns(page.items);
  };
  const setEnabled = (enabled: boolean) =>
    act(async () => {
      onChange(
        unwrap(
          await api.PATCH('/api/v1/schedules/{id}', {
            params: { path: { id } },
            body: { enabled },
          }),
        ),
      );
      setStatus(enabled ? 'Resumed.' : 'Paused.');
    });
  const runNow = () =>
    act(async () => {
      unwrap(await api.POST('/api/v1/schedules/{id}/run', { params: { path: { id } } }));
      onChange(unwrap(await api.GET('/api/v1/schedules/{id}', { params: { path: { id } } })));
      setStatus('A run has started; it shows in the history.');
      setShowRuns(true);
      await loadRuns();
    });
  const remove = async () => {
    const ok = await ask({
      title: `Delete the schedule “${schedule.name}”?`,
      message: 'It stops firing. The images it made stay.',
      confirmLabel: 'Delete schedule',
      danger: true,
    });
    if (ok) {
      await act(async () => {
        unwrap(await api.DELETE('/api/v1/schedules/{id}', { params: { path: { id } } }));
        onDeleted();
      });
    }
  };

  useEffect(() => {
    if (showRuns) void act(loadRuns);
  }, [showRuns]);

  return (
    <li class="panel schedule" id={`schedule-${id}`} aria-labelledby={`schedule-${id}-name`}>
      <div class="schedule-head">
        <h2 id={`schedule-${id}-name`}>{schedule.name}</h2>
        <span class={`badge ${schedule.enabled ? 'badge-succeeded' : 'badge-canceled'}`}>
          {schedule.enabled ? 'active' : 'paused'}
        </span>
        {schedule.system && <span class="badge badge-queued">system</span>}
      </div>
      <p>
        <code>{schedule.cron}</code>
        {preset && ` (${preset.label.toLowerCase()})`} in {schedule.timezone}
      </p>
      <p class="muted">{summary(schedule)}</p>
      {schedule.pausedReason && (
        <p class="note note-error">
          Paused by itself after {plural(schedule.consecutiveFailures, 'failed run')}:{' '}
          {schedule.pausedReason}
        </p>
      )}
      <div class="schedule-times">
        <div>
          <h3>Next fire times ({schedule.timezone})</h3>
          {schedule.nextFireTimes.length > 0 ? (
            <ol class="fire-times">
              {schedule.nextFireTimes.map((time) => (
                <li key={time}>
                  <time dateTime={time}>{formatFireTime(time, schedule.timezone)}</time>
                </li>
              ))}
            </ol>
          ) : (
            <p class="muted">None while paused.</p>
          )}
        </div>
        <div>
          <h3>Last scheduled run</h3>
          <p>
            {schedule.lastRunAt ? formatTime(schedule.lastRunAt, schedule.timezone) : 'Not yet'}
          </p>
        </div>
      </div>
      <div class="actions">
        {schedule.enabled ? (
          <button
            class="button"
            type="button"
            disabled={busy}
            onClick={() => void setEnabled(false)}
          >
            Pause
          </button>
        ) : (
          <button
            class="button"
            type="button"
            disabled={busy}
            onClick={() => void setEnabled(true)}
          >
            Resume
          </button>
        )}
        <button class="button" type="button" disabled={busy} onClick={() => void runNow()}>
          Run now
        </button>
        <button class="button" type="button" onClick={onEdit}>
          Edit
        </button>
        <button
          class="button"
          type="button"
          aria-expanded={showRuns}
          aria-controls={`schedule-${id}-runs`}
          onClick={() => setShowRuns(!showRuns)}
        >
          History
        </button>
        <button
          class="button button-danger"
          type="button"
          disabled={busy}
          onClick={() => void remove()}
        >
          Delete
        </button>
      </div>
      <ErrorNote error={error} />
      <StatusNote text={status} />
      {showRuns && (
        <div id={`schedule-${id}-runs`} class="runs">
          <h3>Runs</h3>
          {runs === null ? (
            <Spinner label="Loading runs…" />
          ) : runs.length === 0 ? (
            <p class="muted">No runs yet.</p>
          ) : (
            <table class="runs-table">
              <thead>
                <tr>
                  <th scope="col">Slot</th>
                  <th scope="col">Status</th>
                  <th scope="col">Images</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((run) => (
                  <tr key={run.jobId}>
                    <td>
                      <time dateTime={run.slot}>{formatTime(run.slot, schedule.timezone)}</time>
                    </td>
                    <td>
                      <StatusBadge status={run.status} />
                      {run.error && <span class="job-error"> {run.error.message}</span>}
                    </td>
                    <td>
                      {run.imageIds.length === 0
                        ? '—'
                        : run.imageIds.map((imageId, index) => (
                            <a key={imageId} href={`/images/${imageId}`} class="run-link">
                              Image {index + 1}
                            </a>
                          ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <button
            class="button button-small"
            type="button"
            disabled={busy}
            onClick={() => void act(loadRuns)}
          >
            Refresh
          </button>
        </div>
      )}
      {dialog}
    </li>
  );
}
