import { useState } from 'preact/hooks';
import { call, query } from '../api';
import { ActionButton, Busy, Confirm, Dialog, ErrorNote, Field, Pager, ShownOnce } from '../components';
import { localTime } from '../format';
import { useLoad } from '../hooks';
import { href } from '../router';
import type { App, Page } from '../types';

/** The app form's values, as typed. */
interface AppDraft {
  name: string;
  description: string;
  url: string;
  timeoutMs: string;
  maxAttempts: string;
  baseDelayMs: string;
  maxDelayMs: string;
  maxConcurrency: string;
}

const draftOf = (app?: App): AppDraft => ({
  name: app?.name ?? '',
  description: app?.description ?? '',
  url: app?.target.url ?? '',
  timeoutMs: String(app?.target.timeoutMs ?? ''),
  maxAttempts: String(app?.retryPolicy.maxAttempts ?? ''),
  baseDelayMs: String(app?.retryPolicy.baseDelayMs ?? ''),
  maxDelayMs: String(app?.retryPolicy.maxDelayMs ?? ''),
  maxConcurrency: String(app?.maxConcurrency ?? ''),
});

const int = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

/** The request body of a draft: only what was filled in (the server applies its defaults to the rest). */
const bodyOf = (d: AppDraft, app?: App) => {
  const retryPolicy = Object.fromEntries(
    (['maxAttempts', 'baseDelayMs', 'maxDelayMs'] as const).flatMap((k) => (int(d[k]) === undefined ? [] : [[k, int(d[k])]])),
  );
  const keepTarget = app && app.target.type !== 'http';
  return {
    name: d.name.trim(),
    ...(d.description.trim() ? { description: d.description.trim() } : {}),
    // A target of another type is edited through the API; the console changes webhook targets only.
    ...(keepTarget ? {} : { target: { type: 'http', url: d.url.trim(), ...(int(d.timeoutMs) ? { timeoutMs: int(d.timeoutMs) } : {}) } }),
    ...(Object.keys(retryPolicy).length ? { retryPolicy } : {}),
    ...(int(d.maxConcurrency) ? { maxConcurrency: int(d.maxConcurrency) } : {}),
  };
};

const AppForm = ({ app, onSaved, onCancel }: { app?: App; onSaved: (app: App) => void; onCancel: () => void }) => {
  const [d, setD] = useState(() => draftOf(app));
  const [error, setError] = useState<unknown>();
  const set = (k: keyof AppDraft) => (e: { currentTarget: HTMLInputElement }) => setD({ ...d, [k]: e.currentTarget.value });
  const save = async () => {
    setError(undefined);
    const saved = app
      ? await call<App>('PATCH', `/v1/apps/${encodeURIComponent(app.id)}`, bodyOf(d, app))
      : await call<App>('POST', '/v1/apps', bodyOf(d));
    onSaved(saved);
  };
  const num = (k: keyof AppDraft, label: string, hint: string) => (
    <Field id={`app-${k}`} label={label} hint={hint}>
      <input id={`app-${k}`} inputMode="numeric" aria-describedby={`app-${k}-hint`} value={d[k]} onInput={set(k)} />
    </Field>
  );
  return (
    <form
      class="form"
      onSubmit={(e) => {
        e.preventDefault();
      }}
    >
      <Field id="app-name" label="Name">
        <input id="app-name" required value={d.name} onInput={set('name')} />
      </Field>
      <Field id="app-description" label="Description">
        <input id="app-description" value={d.description} onInput={set('description')} />
      </Field>
      {app && app.target.type !== 'http' ? (
        <p class="hint">This app's target is of type {app.target.type}: change it through the API.</p>
      ) : (
        <>
          <Field id="app-url" label="Webhook URL" hint="Where deliveries are POSTed.">
            <input id="app-url" type="url" required aria-describedby="app-url-hint" value={d.url} onInput={set('url')} />
          </Field>
          {num('timeoutMs', 'Timeout (ms)', 'Per attempt; default 10000.')}
        </>
      )}
      <fieldset>
        <legend>Retry policy</legend>
        {num('maxAttempts', 'Attempts', 'Including the first.')}
        {num('baseDelayMs', 'Base delay (ms)', 'Backoff starts here and doubles, with jitter.')}
        {num('maxDelayMs', 'Max delay (ms)', 'Longest wait between attempts.')}
      </fieldset>
      {num('maxConcurrency', 'Concurrency', 'Deliveries to this app at once; default 64.')}
      <ErrorNote error={error} />
      <div class="actions">
        <button type="button" class="btn plain" onClick={onCancel}>
          Cancel
        </button>
        <ActionButton kind="primary" onAction={save} onError={setError} busyLabel="Saving…">
          {app ? 'Save changes' : 'Create app'}
        </ActionButton>
      </div>
    </form>
  );
};

type Mode =
  | { kind: 'list' }
  | { kind: 'create' }
  | { kind: 'edit'; app: App }
  | { kind: 'delete'; app: App }
  | { kind: 'rotate'; app: App };

export const AppsPage = ({ params: _params }: { params: URLSearchParams }) => {
  const [cursor, setCursor] = useState<string | undefined>();
  const apps = useLoad(() => call<Page<App>>('GET', `/v1/apps${query({ limit: 50, cursor })}`), [cursor]);
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [secret, setSecret] = useState<{ label: string; value: string } | undefined>();
  const close = () => setMode({ kind: 'list' });
  return (
    <>
      <h1>Apps</h1>
      <p>Delivery targets, with their signing secret, retry policy and concurrency.</p>
      {secret ? <ShownOnce label={secret.label} value={secret.value} onDone={() => setSecret(undefined)} /> : null}
      <div class="toolbar">
        <button type="button" class="btn primary" onClick={() => setMode({ kind: 'create' })}>
          New app
        </button>
      </div>
      <Dialog
        title={mode.kind === 'edit' ? `Edit ${mode.app.name}` : 'New app'}
        open={mode.kind === 'create' || mode.kind === 'edit'}
        onClose={close}
      >
        <AppForm
          key={mode.kind === 'edit' ? mode.app.id : 'new'}
          {...(mode.kind === 'edit' ? { app: mode.app } : {})}
          onCancel={close}
          onSaved={(saved) => {
            if (saved.signingSecret) setSecret({ label: `Signing secret of ${saved.name}`, value: saved.signingSecret });
            close();
            apps.reload();
          }}
        />
      </Dialog>
      {mode.kind === 'delete' ? (
        <Confirm
          title={`Delete ${mode.app.name}?`}
          body={<p>Its scheduled messages are aborted and its schedules deleted. Delivered history stays readable.</p>}
          confirmLabel="Delete app"
          onClose={close}
          onConfirm={async () => {
            await call('DELETE', `/v1/apps/${encodeURIComponent(mode.app.id)}`);
            apps.reload();
          }}
        />
      ) : null}
      {mode.kind === 'rotate' ? (
        <Confirm
          title={`Rotate the signing secret of ${mode.app.name}?`}
          body={<p>The new secret signs from now on; the previous one keeps signing alongside it for 24 hours.</p>}
          confirmLabel="Rotate secret"
          onClose={close}
          onConfirm={async () => {
            const r = await call<{ signingSecret: string }>('POST', `/v1/apps/${encodeURIComponent(mode.app.id)}/rotate-secret`);
            setSecret({ label: `New signing secret of ${mode.app.name}`, value: r.signingSecret });
          }}
        />
      ) : null}
      <Busy loading={apps.loading && !apps.data} />
      <ErrorNote error={apps.error} />
      {apps.data && apps.data.items.length === 0 ? <p>No apps yet: create one to start delivering.</p> : null}
      {apps.data?.items.length ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Apps</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Target</th>
                <th scope="col">Retries</th>
                <th scope="col">Concurrency</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {apps.data.items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <strong>{a.name}</strong>
                    <br />
                    <code class="id">{a.id}</code>
                  </td>
                  <td class="wrap">
                    <span class="tag">{a.target.type}</span> {a.target.url ?? ''}
                  </td>
                  <td>
                    {a.retryPolicy.maxAttempts} × from {a.retryPolicy.baseDelayMs} ms
                  </td>
                  <td>{a.maxConcurrency}</td>
                  <td>{localTime(a.createdAt)}</td>
                  <td class="row-actions">
                    <a class="btn plain" href={href('messages', { appId: a.id })}>
                      Messages
                    </a>
                    <button type="button" class="btn plain" onClick={() => setMode({ kind: 'edit', app: a })}>
                      Edit
                    </button>
                    <button type="button" class="btn plain" onClick={() => setMode({ kind: 'rotate', app: a })}>
                      Rotate secret
                    </button>
                    <button type="button" class="btn danger" onClick={() => setMode({ kind: 'delete', app: a })}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager next={apps.data?.nextCursor} atFirst={!cursor} onNext={setCursor} onFirst={() => setCursor(undefined)} />
    </>
  );
};
