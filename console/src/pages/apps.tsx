import { useState } from 'preact/hooks';
import { call, query } from '../api';
import { ActionButton, Busy, Confirm, Dialog, ErrorNote, Field, issuesOf, Pager, ShownOnce, Status } from '../components';
import { localTime } from '../format';
import { useLoad } from '../hooks';
import { href } from '../router';
import {
  describeRetries,
  describeTarget,
  type FieldIssue,
  type HeaderDraft,
  hiddenValue,
  httpMethods,
  issuesAt,
  isTargetType,
  numberOrText,
  subjectPlaceholders,
  type TargetDraft,
  type TargetType,
  targetAddress,
  targetChange,
  targetDraftOf,
  targetTypes,
} from '../targets';
import type { App, Page } from '../types';

/** The app form's values other than the target, as typed. */
interface AppDraft {
  name: string;
  description: string;
  maxAttempts: string;
  baseDelayMs: string;
  maxDelayMs: string;
  /** The retry policy's max age in minutes (the API's `maxAgeMs`: a day is easier typed as 1440 than 86400000). */
  maxAgeMinutes: string;
  maxConcurrency: string;
}

const draftOf = (app?: App): AppDraft => ({
  name: app?.name ?? '',
  description: app?.description ?? '',
  maxAttempts: String(app?.retryPolicy.maxAttempts ?? ''),
  baseDelayMs: String(app?.retryPolicy.baseDelayMs ?? ''),
  maxDelayMs: String(app?.retryPolicy.maxDelayMs ?? ''),
  maxAgeMinutes: app?.retryPolicy.maxAgeMs === undefined ? '' : String(app.retryPolicy.maxAgeMs / 60_000),
  maxConcurrency: String(app?.maxConcurrency ?? ''),
});

/** Minutes as milliseconds; anything not a number as typed, for the API to name. */
const minutesToMs = (s: string): number | string | undefined => {
  const t = s.trim();
  if (t === '') return undefined;
  return /^\d+(\.\d+)?$/.test(t) ? Math.round(Number(t) * 60_000) : t;
};

/** The request body of a draft: only what was filled in (the server applies its defaults to the rest). */
const bodyOf = (d: AppDraft, target: Record<string, unknown> | undefined, app?: App) => {
  const retryPolicy = Object.fromEntries(
    (
      [
        ['maxAttempts', numberOrText(d.maxAttempts)],
        ['baseDelayMs', numberOrText(d.baseDelayMs)],
        ['maxDelayMs', numberOrText(d.maxDelayMs)],
        ['maxAgeMs', minutesToMs(d.maxAgeMinutes)],
      ] as const
    ).filter(([, v]) => v !== undefined),
  );
  const description = d.description.trim();
  const maxConcurrency = numberOrText(d.maxConcurrency);
  return {
    name: d.name.trim(),
    // An emptied description is cleared; a new app without one sends none.
    ...(description || app?.description ? { description } : {}),
    ...(target ? { target } : {}),
    ...(Object.keys(retryPolicy).length ? { retryPolicy } : {}),
    ...(maxConcurrency !== undefined ? { maxConcurrency } : {}),
  };
};

/** The extra request headers of an http target: values are write-only (stored ones read as ***). */
const HeadersEditor = ({
  headers,
  onChange,
  issues,
}: {
  headers: HeaderDraft[];
  onChange: (h: HeaderDraft[]) => void;
  issues: FieldIssue[];
}) => {
  const set = (i: number, patch: Partial<HeaderDraft>) => onChange(headers.map((h, j) => (j === i ? { ...h, ...patch } : h)));
  return (
    <fieldset data-testid="headers">
      <legend>Request headers</legend>
      <small class="hint">
        Values are secrets: stored encrypted and never shown again ({hiddenValue}). Leave a stored value empty to keep it.
      </small>
      {headers.map((h, i) => {
        const n = i + 1;
        const rowIssues = issuesAt(issues, `target.headers.${h.name.trim()}`);
        return (
          // Keyed by position: a row has no identity of its own while its name is typed.
          <div class="header-row" key={i}>
            <Field id={`app-header-${n}`} label={`Header ${n}`}>
              <input
                id={`app-header-${n}`}
                spellcheck={false}
                autoComplete="off"
                value={h.name}
                onInput={(e) => set(i, { name: e.currentTarget.value })}
              />
            </Field>
            <Field
              id={`app-header-${n}-value`}
              label={`Header ${n} value`}
              issues={rowIssues}
              {...(h.stored ? { hint: 'Stored: empty keeps it.' } : {})}
            >
              <input
                id={`app-header-${n}-value`}
                spellcheck={false}
                autoComplete="off"
                placeholder={h.stored ? hiddenValue : ''}
                aria-describedby={
                  [h.stored ? `app-header-${n}-value-hint` : '', rowIssues.length ? `app-header-${n}-value-error` : '']
                    .filter(Boolean)
                    .join(' ') || undefined
                }
                aria-invalid={rowIssues.length > 0}
                value={h.value}
                onInput={(e) => set(i, { value: e.currentTarget.value })}
              />
            </Field>
            <button
              type="button"
              class="btn plain"
              aria-label={`Remove header ${n}`}
              onClick={() => onChange(headers.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </div>
        );
      })}
      <div>
        <button type="button" class="btn plain" onClick={() => onChange([...headers, { name: '', value: '', stored: false }])}>
          Add header
        </button>
      </div>
    </fieldset>
  );
};

/** The fields of the chosen target type. */
const TargetFields = ({ t, setT, issues }: { t: TargetDraft; setT: (t: TargetDraft) => void; issues: FieldIssue[] }) => {
  const input = (k: keyof TargetDraft & string, label: string, hint?: string, attrs: Record<string, unknown> = {}) => {
    const id = `app-${k}`;
    const mine = issuesAt(issues, `target.${k}`);
    const describedBy = [hint ? `${id}-hint` : '', mine.length ? `${id}-error` : ''].filter(Boolean).join(' ');
    return (
      <Field id={id} label={label} issues={mine} {...(hint ? { hint } : {})}>
        <input
          id={id}
          {...attrs}
          {...(describedBy ? { 'aria-describedby': describedBy } : {})}
          aria-invalid={mine.length > 0}
          value={t[k] as string}
          onInput={(e) => setT({ ...t, [k]: e.currentTarget.value })}
        />
      </Field>
    );
  };
  switch (t.type) {
    case 'http':
      return (
        <>
          {input('url', 'Webhook URL', 'Where deliveries are sent, signed.', { type: 'url', required: true })}
          <Field id="app-method" label="Method" hint="GET and DELETE carry no body." issues={issuesAt(issues, 'target.method')}>
            <select
              id="app-method"
              aria-describedby="app-method-hint"
              value={t.method}
              onChange={(e) => setT({ ...t, method: e.currentTarget.value })}
            >
              {httpMethods.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </Field>
          {input('timeoutMs', 'Timeout (ms)', 'Per attempt; default 10000.', { inputMode: 'numeric' })}
          <HeadersEditor headers={t.headers} onChange={(headers) => setT({ ...t, headers })} issues={issues} />
        </>
      );
    case 'email':
      return (
        <>
          {input('to', 'To', 'Addresses separated by commas; at most 50 with Cc and Bcc.', { required: true, autoComplete: 'off' })}
          {input('cc', 'Cc', undefined, { autoComplete: 'off' })}
          {input('bcc', 'Bcc', undefined, { autoComplete: 'off' })}
          {input('from', 'From', "Default: the server's sender address (PUNCTUAL_EMAIL_FROM).", { type: 'email', autoComplete: 'off' })}
          {input('subject', 'Subject', `May hold ${subjectPlaceholders.join(', ')}. The message's payload is the body.`, {
            required: true,
            placeholder: '{{schedule.name}} for {{message.sendAt}}',
          })}
        </>
      );
    case 'sqs':
      return (
        <>
          {input('queueUrl', 'Queue URL', 'https://sqs.<region>.amazonaws.com/<account>/<queue>', { required: true, spellcheck: false })}
          {input('messageGroupId', 'Message group id', 'FIFO queues (.fifo) only, and required there.', { spellcheck: false })}
        </>
      );
    case 'sns': {
      const mine = issuesAt(issues, 'target.messageAttributes');
      return (
        <>
          {input('topicArn', 'Topic ARN', 'arn:aws:sns:<region>:<account>:<topic> (a standard topic)', {
            required: true,
            spellcheck: false,
          })}
          <Field
            id="app-messageAttributes"
            label="Message attributes"
            hint="One name=value a line, at most 6: for subscription filter policies."
            issues={mine}
          >
            <textarea
              id="app-messageAttributes"
              rows={3}
              spellcheck={false}
              aria-describedby={`app-messageAttributes-hint${mine.length ? ' app-messageAttributes-error' : ''}`}
              aria-invalid={mine.length > 0}
              value={t.messageAttributes}
              onInput={(e) => setT({ ...t, messageAttributes: e.currentTarget.value })}
            />
          </Field>
        </>
      );
    }
    case 'eventbridge':
      return (
        <>
          {input('eventBusArn', 'Event bus ARN', 'arn:aws:events:<region>:<account>:event-bus/<bus>', {
            required: true,
            spellcheck: false,
          })}
          {input('source', 'Source', "The events' source, e.g. acme.jobs (not aws.…).", { required: true })}
          {input('detailType', 'Detail type', 'e.g. job.due', { required: true })}
        </>
      );
  }
};

const AppForm = ({ app, onSaved, onCancel }: { app?: App; onSaved: (app: App) => void; onCancel: () => void }) => {
  const [d, setD] = useState(() => draftOf(app));
  const [t, setT] = useState(() => targetDraftOf(app?.target));
  const [error, setError] = useState<unknown>();
  const [localIssues, setLocalIssues] = useState<FieldIssue[]>([]);
  const issues = [...(issuesOf(error) ?? []), ...localIssues];
  const knownType = !app || isTargetType(app.target.type);
  const set = (k: keyof AppDraft) => (e: { currentTarget: HTMLInputElement }) => setD({ ...d, [k]: e.currentTarget.value });
  const save = async () => {
    setError(undefined);
    setLocalIssues([]);
    // A target of a type this console has no form for is left as it is.
    const change = knownType ? targetChange(t, app?.target) : ({ kind: 'unchanged' } as const);
    if (change.kind === 'invalid') {
      setLocalIssues(change.issues);
      throw new Error('Not saved: see the marked fields.');
    }
    const target = change.kind === 'set' ? change.target : undefined;
    const saved = app
      ? await call<App>('PATCH', `/v1/apps/${encodeURIComponent(app.id)}`, bodyOf(d, target, app))
      : await call<App>('POST', '/v1/apps', bodyOf(d, target));
    onSaved(saved);
  };
  const num = (k: keyof AppDraft, label: string, hint: string, path: string) => {
    const mine = issuesAt(issues, path);
    return (
      <Field id={`app-${k}`} label={label} hint={hint} issues={mine}>
        <input
          id={`app-${k}`}
          inputMode="numeric"
          aria-describedby={`app-${k}-hint${mine.length ? ` app-${k}-error` : ''}`}
          aria-invalid={mine.length > 0}
          value={d[k]}
          onInput={set(k)}
        />
      </Field>
    );
  };
  return (
    <form
      class="form"
      onSubmit={(e) => {
        e.preventDefault();
      }}
    >
      <Field id="app-name" label="Name" issues={issuesAt(issues, 'name')}>
        <input id="app-name" required value={d.name} onInput={set('name')} />
      </Field>
      <Field id="app-description" label="Description" issues={issuesAt(issues, 'description')}>
        <input id="app-description" value={d.description} onInput={set('description')} />
      </Field>
      {knownType ? null : <p class="hint">This app's target is of type {app?.target.type}: change it through the API.</p>}
      <fieldset hidden={!knownType}>
        <legend>Target</legend>
        <Field
          id="app-type"
          label="Target type"
          hint="Where this app's messages go."
          issues={issuesAt(issues, 'target.type').concat(issues.filter((i) => i.path === 'target'))}
        >
          <select
            id="app-type"
            aria-describedby="app-type-hint"
            value={t.type}
            onChange={(e) => setT({ ...t, type: e.currentTarget.value as TargetType })}
          >
            {targetTypes.map((x) => (
              <option key={x.type} value={x.type}>
                {x.label}
              </option>
            ))}
          </select>
        </Field>
        <TargetFields t={t} setT={setT} issues={issues} />
      </fieldset>
      <fieldset>
        <legend>Retry policy</legend>
        {num('maxAttempts', 'Attempts', 'Including the first; default 36.', 'retryPolicy.maxAttempts')}
        {num('baseDelayMs', 'Base delay (ms)', 'Backoff starts here and doubles, with jitter; at least 1000.', 'retryPolicy.baseDelayMs')}
        {num('maxDelayMs', 'Max delay (ms)', 'Longest wait between attempts; default 7200000 (2 h).', 'retryPolicy.maxDelayMs')}
        {num(
          'maxAgeMinutes',
          'Max age (minutes)',
          'Retries stop this long after the message was due; default 1440 (a day).',
          'retryPolicy.maxAgeMs',
        )}
      </fieldset>
      {num('maxConcurrency', 'Concurrency', 'Deliveries to this app at once; default 64.', 'maxConcurrency')}
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
  | { kind: 'disable'; app: App }
  | { kind: 'rotate'; app: App };

export const AppsPage = ({ params: _params }: { params: URLSearchParams }) => {
  const [cursor, setCursor] = useState<string | undefined>();
  const apps = useLoad(() => call<Page<App>>('GET', `/v1/apps${query({ limit: 50, cursor })}`), [cursor]);
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [secret, setSecret] = useState<{ label: string; value: string } | undefined>();
  const [error, setError] = useState<unknown>();
  const close = () => setMode({ kind: 'list' });
  return (
    <>
      <h1>Apps</h1>
      <p>Where messages go (webhooks, email, SQS, SNS, EventBridge), with their signing secret, retry policy and concurrency.</p>
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
      {mode.kind === 'disable' ? (
        <Confirm
          title={`Disable ${mode.app.name}?`}
          body={<p>Its deliveries fail at once, without a request, until you enable it again; its failed messages can then be redriven.</p>}
          confirmLabel="Disable app"
          onClose={close}
          onConfirm={async () => {
            await call('PATCH', `/v1/apps/${encodeURIComponent(mode.app.id)}`, { status: 'disabled' });
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
      <ErrorNote error={apps.error ?? error} />
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
                <tr key={a.id} data-id={a.id}>
                  <td>
                    <strong>{a.name}</strong>
                    <br />
                    <code class="id">{a.id}</code>
                    {a.status === 'disabled' ? (
                      <span class="subline" data-testid="app-disabled">
                        <Status value="disabled" /> {a.disabledReason ?? ''}
                        {a.disabledAt ? ` (${localTime(a.disabledAt)})` : ''}
                      </span>
                    ) : null}
                  </td>
                  <td class="wrap" data-testid="app-target">
                    <span class="tag">{a.target.type}</span> {describeTarget(a.target)}
                    {targetAddress(a.target) ? (
                      <>
                        <br />
                        <code class="id">{targetAddress(a.target)}</code>
                      </>
                    ) : null}
                  </td>
                  <td class="wrap">
                    {describeRetries(a.retryPolicy)}
                    {(['onSuccess', 'onFailure'] as const).map((k) =>
                      a[k] ? (
                        <span key={k} class="subline">
                          {k === 'onSuccess' ? 'on success' : 'on failure'} →{' '}
                          {apps.data?.items.find((x) => x.id === a[k]?.appId)?.name ?? a[k]?.appId}
                        </span>
                      ) : null,
                    )}
                  </td>
                  <td>{a.maxConcurrency}</td>
                  <td>{localTime(a.createdAt)}</td>
                  <td class="row-actions">
                    {a.status === 'disabled' ? (
                      <ActionButton
                        kind="primary"
                        aria-label={`Enable ${a.name}`}
                        busyLabel="Enabling…"
                        onError={setError}
                        onAction={async () => {
                          setError(undefined);
                          await call('PATCH', `/v1/apps/${encodeURIComponent(a.id)}`, { status: 'active' });
                          apps.reload();
                        }}
                      >
                        Enable
                      </ActionButton>
                    ) : null}
                    <a class="btn plain" href={href('messages', { appId: a.id })}>
                      Messages
                    </a>
                    <button type="button" class="btn plain" onClick={() => setMode({ kind: 'edit', app: a })}>
                      Edit
                    </button>
                    {a.status === 'disabled' ? null : (
                      <button
                        type="button"
                        class="btn plain"
                        aria-label={`Disable ${a.name}`}
                        onClick={() => setMode({ kind: 'disable', app: a })}
                      >
                        Disable
                      </button>
                    )}
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
