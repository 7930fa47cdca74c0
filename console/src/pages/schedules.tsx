import { useEffect, useState } from 'preact/hooks';
import { call, query } from '../api';
import { ActionButton, Busy, Confirm, Dialog, ErrorNote, Field, Pager, Status } from '../components';
import { useSession } from '../context';
import { describeExpression } from '../describe';
import { localTime, relative, zonedTime } from '../format';
import { useLiveRefresh, useLoad } from '../hooks';
import { href } from '../router';
import type { App, Message, Page, Schedule } from '../types';

/** The IANA zones the browser knows, for the timezone field's suggestions. */
const zones = (): string[] => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
};

/** Occurrences listed in the schedule's zone, with UTC beside each. */
const RunTimes = ({ items, timezone, testId }: { items: string[]; timezone: string; testId: string }) => (
  <ol class="runs" data-testid={testId}>
    {items.map((t) => (
      <li key={t}>
        {zonedTime(t, timezone)} <span class="hint">({t.replace('.000Z', 'Z')} UTC)</span>
      </li>
    ))}
  </ol>
);

interface Timing {
  expression: string;
  timezone: string;
  startAt?: string;
  endAt?: string;
}

/** The next runs of a timing, validated by the server as it would be on creation (debounced while typing). */
const usePreview = (t: Timing | undefined, waitMs = 300) => {
  const [state, setState] = useState<{ items?: string[]; error?: unknown; loading: boolean }>({ loading: false });
  const key = JSON.stringify(t ?? null);
  useEffect(() => {
    if (!t?.expression.trim()) return setState({ loading: false });
    let stale = false;
    setState((s) => ({ ...s, loading: true }));
    const timer = window.setTimeout(() => {
      const body = { expression: t.expression.trim(), timezone: t.timezone.trim() || 'UTC', count: 5, startAt: t.startAt, endAt: t.endAt };
      call<{ items: string[] }>('POST', '/v1/schedules/preview', body).then(
        (r) => stale || setState({ items: r.items, loading: false }),
        (error: unknown) => stale || setState({ error, loading: false }),
      );
    }, waitMs);
    return () => {
      stale = true;
      window.clearTimeout(timer);
    };
  }, [key]);
  return state;
};

const ScheduleForm = ({
  schedule,
  apps,
  onSaved,
  onCancel,
}: {
  schedule?: Schedule;
  apps: App[];
  onSaved: () => void;
  onCancel: () => void;
}) => {
  const { scope } = useSession();
  const [name, setName] = useState(schedule?.name ?? '');
  const [appId, setAppId] = useState(schedule?.appId ?? apps[0]?.id ?? '');
  const [expression, setExpression] = useState(schedule?.expression ?? 'cron(0 9 ? * MON-FRI *)');
  const [timezone, setTimezone] = useState(schedule?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC');
  const [startAt, setStartAt] = useState(schedule?.startAt ?? '');
  const [endAt, setEndAt] = useState(schedule?.endAt ?? '');
  const [payload, setPayload] = useState(JSON.stringify(schedule?.payload ?? { kind: 'digest' }, null, 2));
  const [error, setError] = useState<unknown>();
  const timing = { expression, timezone, ...(startAt ? { startAt } : {}), ...(endAt ? { endAt } : {}) };
  const preview = usePreview(timing);
  const save = async () => {
    setError(undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      throw new Error('the payload is not valid JSON');
    }
    const body = { name: name.trim(), ...timing, payload: parsed };
    if (schedule) await call('PATCH', `/v1/schedules/${encodeURIComponent(schedule.id)}`, body);
    else await call('POST', '/v1/schedules', { ...(scope === 'control' ? { appId } : {}), ...body });
    onSaved();
  };
  return (
    <form class="form" onSubmit={(e) => e.preventDefault()}>
      <Field id="sch-name" label="Name">
        <input id="sch-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      {scope === 'control' && !schedule ? (
        <Field id="sch-app" label="App">
          <select id="sch-app" value={appId} onChange={(e) => setAppId(e.currentTarget.value)}>
            {apps.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      <Field
        id="sch-expression"
        label="Expression"
        hint="cron(min hour day month weekday year), rate(5 minutes), at(2027-03-14T09:00:00), or 0 9 * * 1-5."
      >
        <input
          id="sch-expression"
          required
          spellcheck={false}
          aria-describedby="sch-expression-hint sch-preview"
          aria-invalid={preview.error ? true : undefined}
          value={expression}
          onInput={(e) => setExpression(e.currentTarget.value)}
        />
      </Field>
      <Field id="sch-timezone" label="Timezone" hint="An IANA name, e.g. America/New_York.">
        <input
          id="sch-timezone"
          list="sch-zones"
          spellcheck={false}
          aria-describedby="sch-timezone-hint"
          value={timezone}
          onInput={(e) => setTimezone(e.currentTarget.value)}
        />
        <datalist id="sch-zones">
          {zones().map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </Field>
      <Field id="sch-start" label="Start at (optional)" hint="RFC 3339, e.g. 2027-01-01T00:00:00Z.">
        <input
          id="sch-start"
          spellcheck={false}
          aria-describedby="sch-start-hint"
          value={startAt}
          onInput={(e) => setStartAt(e.currentTarget.value)}
        />
      </Field>
      <Field id="sch-end" label="End at (optional)">
        <input id="sch-end" spellcheck={false} value={endAt} onInput={(e) => setEndAt(e.currentTarget.value)} />
      </Field>
      <div id="sch-preview" class="preview" aria-live="polite">
        <h3>Next runs</h3>
        <p class="hint">{describeExpression(expression, timezone)}</p>
        {preview.loading ? <p class="hint">Checking…</p> : null}
        <ErrorNote error={preview.error} />
        {preview.items ? <RunTimes items={preview.items} timezone={timezone.trim() || 'UTC'} testId="form-preview" /> : null}
      </div>
      <Field id="sch-payload" label="Payload (JSON)">
        <textarea id="sch-payload" rows={5} spellcheck={false} value={payload} onInput={(e) => setPayload(e.currentTarget.value)} />
      </Field>
      <ErrorNote error={error} />
      <div class="actions">
        <button type="button" class="btn plain" onClick={onCancel}>
          Cancel
        </button>
        <ActionButton kind="primary" onAction={save} onError={setError} busyLabel="Saving…">
          {schedule ? 'Save changes' : 'Create schedule'}
        </ActionButton>
      </div>
    </form>
  );
};

/** A schedule's next five runs, asked for when the reader opens them (one request per schedule, not per list load). */
const NextRuns = ({ s }: { s: Schedule }) => {
  const [open, setOpen] = useState(false);
  const timing =
    open && s.nextRunAt
      ? { expression: s.expression, timezone: s.timezone, startAt: s.nextRunAt, ...(s.endAt ? { endAt: s.endAt } : {}) }
      : undefined;
  const preview = usePreview(timing, 0);
  if (!s.nextRunAt) return <>—</>;
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        {zonedTime(s.nextRunAt, s.timezone)} <span class="hint">{relative(s.nextRunAt)}</span>
      </summary>
      {preview.loading ? <p class="hint">Loading…</p> : null}
      <ErrorNote error={preview.error} />
      {preview.items ? <RunTimes items={preview.items} timezone={s.timezone} testId="row-next-runs" /> : null}
    </details>
  );
};

/** Pause, resume and trigger: the actions a schedule's state allows. */
const StateActions = ({ s, onDone, onError }: { s: Schedule; onDone: () => void; onError: (e: unknown) => void }) => {
  const post = (verb: string) => async () => {
    await call('POST', `/v1/schedules/${encodeURIComponent(s.id)}/${verb}`);
    onDone();
  };
  return (
    <>
      {s.state === 'active' ? (
        <ActionButton onAction={post('pause')} onError={onError} busyLabel="Pausing…" aria-label={`Pause ${s.name}`}>
          Pause
        </ActionButton>
      ) : null}
      {s.state === 'paused' ? (
        <ActionButton onAction={post('resume')} onError={onError} busyLabel="Resuming…" aria-label={`Resume ${s.name}`}>
          Resume
        </ActionButton>
      ) : null}
      <ActionButton onAction={post('trigger')} onError={onError} busyLabel="Triggering…" aria-label={`Run ${s.name} now`}>
        Run now
      </ActionButton>
    </>
  );
};

const ScheduleDetail = ({ id, apps }: { id: string; apps: App[] }) => {
  const path = `/v1/schedules/${encodeURIComponent(id)}`;
  const schedule = useLoad(() => call<Schedule>('GET', path), [path]);
  const [cursor, setCursor] = useState<string | undefined>();
  const runs = useLoad(() => call<Page<Message>>('GET', `${path}/runs${query({ limit: 20, cursor })}`), [path, cursor]);
  const [mode, setMode] = useState<'view' | 'edit' | 'delete'>('view');
  const [error, setError] = useState<unknown>();
  const s = schedule.data;
  const next = usePreview(
    s?.nextRunAt
      ? { expression: s.expression, timezone: s.timezone, startAt: s.nextRunAt, ...(s.endAt ? { endAt: s.endAt } : {}) }
      : undefined,
    0,
  );
  useLiveRefresh(
    (e) => e.data.scheduleId === id,
    () => {
      schedule.reload();
      runs.reload();
    },
  );
  return (
    <section aria-labelledby="schedule-title" class="detail">
      <p>
        <a href={href('schedules')}>← All schedules</a>
      </p>
      <h2 id="schedule-title">{s ? s.name : 'Schedule'}</h2>
      <Busy loading={schedule.loading && !s} />
      <ErrorNote error={schedule.error ?? error} />
      {s ? (
        <>
          <p class="words">{describeExpression(s.expression, s.timezone)}</p>
          <dl class="facts">
            <dt>Expression</dt>
            <dd>
              <code>{s.expression}</code>
            </dd>
            <dt>State</dt>
            <dd data-testid="schedule-state">
              <Status value={s.state} />
            </dd>
            <dt>Runs</dt>
            <dd>{s.runCount}</dd>
            <dt>Last run</dt>
            <dd>{localTime(s.lastRunAt)}</dd>
            <dt>Skipped runs</dt>
            <dd data-testid="skip-count">{s.skipCount ?? 0}</dd>
            {s.lastSkip ? (
              <>
                <dt>Last skipped</dt>
                <dd data-testid="last-skip">
                  the run of {localTime(s.lastSkip.runAt)}, {s.lastSkip.reason.replace(/^skipped: /, '')}
                </dd>
              </>
            ) : null}
            {s.stats ? (
              <>
                <dt>Succeeded / failed</dt>
                <dd data-testid="stats">
                  {s.stats.succeeded ?? 0} / {s.stats.failed ?? 0}
                  {s.stats.lastStatus ? `, last ${s.stats.lastStatus}` : ''}
                  {s.stats.lastDurationMs !== undefined ? ` in ${s.stats.lastDurationMs} ms` : ''}
                  {s.stats.avgDurationMs !== undefined ? `, ${s.stats.avgDurationMs} ms on average` : ''}
                </dd>
              </>
            ) : null}
            {s.overlap ? (
              <>
                <dt>Overlap</dt>
                <dd>{s.overlap === 'skip' ? 'skip a run while the previous one is still going' : 'allow'}</dd>
              </>
            ) : null}
            {s.onSuccess || s.onFailure ? (
              <>
                <dt>Chained to</dt>
                <dd>
                  {s.onSuccess ? <ChainLink label="on success" appId={s.onSuccess.appId} apps={apps} /> : null}
                  {s.onFailure ? <ChainLink label="on failure" appId={s.onFailure.appId} apps={apps} /> : null}
                </dd>
              </>
            ) : null}
            <dt>
              <code>id</code>
            </dt>
            <dd>
              <code>{s.id}</code>
            </dd>
          </dl>
          <div class="actions">
            <StateActions s={s} onDone={schedule.reload} onError={setError} />
            <button type="button" class="btn plain" onClick={() => setMode('edit')}>
              Edit
            </button>
            <button type="button" class="btn danger" onClick={() => setMode('delete')}>
              Delete
            </button>
          </div>
          <h3>Next 5 runs</h3>
          {s.state !== 'active' ? <p>None while it is {s.state}.</p> : null}
          <ErrorNote error={next.error} />
          {next.items && s.state === 'active' ? <RunTimes items={next.items} timezone={s.timezone} testId="next-runs" /> : null}
          <Dialog title={`Edit ${s.name}`} open={mode === 'edit'} onClose={() => setMode('view')}>
            <ScheduleForm
              schedule={s}
              apps={apps}
              onCancel={() => setMode('view')}
              onSaved={() => {
                setMode('view');
                schedule.reload();
              }}
            />
          </Dialog>
          {mode === 'delete' ? (
            <Confirm
              title={`Delete ${s.name}?`}
              body={<p>No further runs; past runs stay readable as messages.</p>}
              confirmLabel="Delete schedule"
              onClose={() => setMode('view')}
              onConfirm={async () => {
                await call('DELETE', path);
                window.location.hash = href('schedules');
              }}
            />
          ) : null}
          <h3>Runs</h3>
          <ErrorNote error={runs.error} />
          {runs.data?.items.length ? (
            <ul class="plain-list">
              {runs.data.items.map((m) => (
                <li key={m.id}>
                  <a href={href('messages', { id: m.id })}>
                    <code>{m.id}</code>
                  </a>{' '}
                  <Status value={m.status} /> {localTime(m.sendAt)}
                </li>
              ))}
            </ul>
          ) : (
            <p>No runs yet.</p>
          )}
          <Pager next={runs.data?.nextCursor} atFirst={!cursor} onNext={setCursor} onFirst={() => setCursor(undefined)} />
        </>
      ) : null}
    </section>
  );
};

/** A chain link: "on success → the app's name", linking to its messages. */
const ChainLink = ({ label, appId, apps }: { label: string; appId: string; apps: App[] }) => (
  <span class="subline">
    {label} → <a href={href('messages', { appId })}>{apps.find((a) => a.id === appId)?.name ?? appId}</a>
  </span>
);

export const SchedulesPage = ({ params }: { params: URLSearchParams }) => {
  const { scope } = useSession();
  const id = params.get('id');
  const [cursor, setCursor] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>();
  const apps = useLoad(
    () => (scope === 'control' ? call<Page<App>>('GET', '/v1/apps?limit=100') : Promise.resolve({ items: [] } as Page<App>)),
    [scope],
  );
  const list = useLoad(
    () => (id ? Promise.resolve(undefined) : call<Page<Schedule>>('GET', `/v1/schedules${query({ limit: 25, cursor })}`)),
    [id, cursor],
  );
  useLiveRefresh((e) => !id && e.type === 'schedule.run', list.reload, 2_000);
  if (id) return <ScheduleDetail id={id} apps={apps.data?.items ?? []} />;
  return (
    <>
      <h1>Schedules</h1>
      <div class="toolbar">
        <button type="button" class="btn primary" onClick={() => setCreating(true)}>
          New schedule
        </button>
      </div>
      <Dialog title="New schedule" open={creating} onClose={() => setCreating(false)}>
        <ScheduleForm
          apps={apps.data?.items ?? []}
          onCancel={() => setCreating(false)}
          onSaved={() => {
            setCreating(false);
            list.reload();
          }}
        />
      </Dialog>
      <Busy loading={list.loading && !list.data} />
      <ErrorNote error={list.error ?? error} />
      {list.data && list.data.items.length === 0 ? <p>No schedules yet.</p> : null}
      {list.data?.items.length ? (
        <div class="table-wrap">
          <table data-testid="schedules">
            <caption class="visually-hidden">Schedules, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Schedule</th>
                <th scope="col">When</th>
                <th scope="col">State</th>
                <th scope="col">Next runs</th>
                <th scope="col">Runs</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((s) => (
                <tr key={s.id} data-id={s.id}>
                  <td>
                    <a href={href('schedules', { id: s.id })}>{s.name}</a>
                  </td>
                  <td class="wrap">
                    {describeExpression(s.expression, s.timezone)}
                    <br />
                    <code class="id">{s.expression}</code>
                  </td>
                  <td data-testid="state">
                    <Status value={s.state} />
                  </td>
                  <td>
                    <NextRuns s={s} />
                  </td>
                  <td data-testid="runs">
                    {s.runCount}
                    {s.stats?.runs ? (
                      <span class="subline" data-testid="stats">
                        {s.stats.succeeded ?? 0} succeeded, {s.stats.failed ?? 0} failed
                        {s.stats.avgDurationMs !== undefined ? `, ${s.stats.avgDurationMs} ms on average` : ''}
                      </span>
                    ) : null}
                    {s.skipCount ? (
                      <span class="subline" data-testid="skips">
                        {s.skipCount} skipped
                        {s.lastSkip ? `, last ${localTime(s.lastSkip.runAt)}: ${s.lastSkip.reason.replace(/^skipped: /, '')}` : ''}
                      </span>
                    ) : null}
                  </td>
                  <td class="row-actions">
                    <StateActions s={s} onDone={list.reload} onError={setError} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager next={list.data?.nextCursor} atFirst={!cursor} onNext={setCursor} onFirst={() => setCursor(undefined)} />
    </>
  );
};
