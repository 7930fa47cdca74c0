import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { apiBase, call, query } from '../api';
import { ActionButton, Busy, CopyButton, Dialog, ErrorNote, Field, Json, Pager, Status } from '../components';
import { useSession } from '../context';
import { curlCreate } from '../curl';
import { localTime, relative } from '../format';
import { useLiveRefresh, useLiveStatuses, useLoad } from '../hooks';
import { type DeliveryResult, resultBody } from '../result';
import { href, navigate } from '../router';
import { type App, type Attempt, type Message, messageStatuses, type Page } from '../types';

/** The excerpt of a response body shown per attempt (the API keeps up to 64 KiB). */
const excerptChars = 2_000;

const AttemptsTable = ({ attempts }: { attempts: Attempt[] }) =>
  attempts.length ? (
    <div class="table-wrap">
      <table data-testid="attempts">
        <caption>Attempts</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Outcome</th>
            <th scope="col">Status</th>
            <th scope="col">Error and response</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((a) => (
            <tr key={a.attempt}>
              <td>{a.attempt}</td>
              <td>{localTime(a.startedAt)}</td>
              <td>{a.durationMs} ms</td>
              <td>
                <Status value={a.outcome} />
              </td>
              <td>{a.statusCode ?? '—'}</td>
              <td class="wrap">
                {a.error ? <p>{a.error}</p> : null}
                {a.responseBody ? (
                  <pre class="excerpt">
                    {a.responseBody.slice(0, excerptChars)}
                    {a.responseBody.length > excerptChars ? '…' : ''}
                  </pre>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  ) : (
    <p>No attempt yet.</p>
  );

const MessageDetail = ({ id }: { id: string }) => {
  const path = `/v1/messages/${encodeURIComponent(id)}`;
  const detail = useLoad(async () => {
    const [message, attempts] = await Promise.all([call<Message>('GET', path), call<Page<Attempt>>('GET', `${path}/attempts`)]);
    return { message, attempts: attempts.items };
  }, [path]);
  const [error, setError] = useState<unknown>();
  useLiveRefresh((e) => e.data.messageId === id, detail.reload, 100);
  const m = detail.data?.message;
  const act = (verb: 'abort' | 'redrive') => async () => {
    setError(undefined);
    await call('POST', `${path}/${verb}`, verb === 'redrive' ? {} : undefined);
    detail.reload();
  };
  return (
    <section aria-labelledby="message-title" class="detail">
      <p>
        <a href={href('messages')}>← All messages</a>
      </p>
      <h2 id="message-title">
        Message <code>{id}</code>
      </h2>
      <Busy loading={detail.loading && !m} />
      <ErrorNote error={detail.error ?? error} />
      {m ? (
        <>
          <dl class="facts">
            <dt>Status</dt>
            <dd data-testid="message-status">
              <Status value={m.status} />
            </dd>
            <dt>App</dt>
            <dd>
              <code>{m.appId}</code>
            </dd>
            {m.scheduleId ? (
              <>
                <dt>Schedule</dt>
                <dd>
                  <a href={href('schedules', { id: m.scheduleId })}>
                    <code>{m.scheduleId}</code>
                  </a>
                </dd>
              </>
            ) : null}
            <dt>Send at</dt>
            <dd>
              {localTime(m.sendAt)} <span class="hint">({relative(m.sendAt)})</span>
            </dd>
            {m.nextAttemptAt ? (
              <>
                <dt>Next attempt</dt>
                <dd>{localTime(m.nextAttemptAt)}</dd>
              </>
            ) : null}
            <dt>Attempts</dt>
            <dd>{m.attemptCount}</dd>
            {m.deliveredAt ? (
              <>
                <dt>Delivered</dt>
                <dd>{localTime(m.deliveredAt)}</dd>
              </>
            ) : null}
            {m.failedAt ? (
              <>
                <dt>Failed</dt>
                <dd>{localTime(m.failedAt)}</dd>
              </>
            ) : null}
            {m.abortedAt ? (
              <>
                <dt>Aborted</dt>
                <dd>{localTime(m.abortedAt)}</dd>
              </>
            ) : null}
            {m.lastError ? (
              <>
                <dt>Last error</dt>
                <dd class="wrap">{m.lastError}</dd>
              </>
            ) : null}
            {m.chainOf ? (
              <>
                <dt>Chained from</dt>
                <dd>
                  <a href={href('messages', { id: m.chainOf })}>
                    <code>{m.chainOf}</code>
                  </a>
                </dd>
              </>
            ) : null}
            {m.chained?.length ? (
              <>
                <dt>Chained</dt>
                <dd>
                  {m.chained.map((c) => (
                    <a key={c} href={href('messages', { id: c })}>
                      <code>{c}</code>{' '}
                    </a>
                  ))}
                </dd>
              </>
            ) : null}
          </dl>
          <div class="actions">
            {m.status === 'scheduled' ? (
              <ActionButton onAction={act('abort')} onError={setError} busyLabel="Aborting…" kind="danger">
                Abort
              </ActionButton>
            ) : null}
            {m.status === 'failed' || m.status === 'aborted' ? (
              <ActionButton onAction={act('redrive')} onError={setError} busyLabel="Redriving…" kind="primary">
                Redrive
              </ActionButton>
            ) : null}
            <CopyButton
              text={curlCreate(`${window.location.origin}${apiBase()}`, m as Message & { retryPolicy?: unknown })}
              label="Copy as curl"
            />
          </div>
          <h3>Payload</h3>
          <Json value={m.payload} />
          {m.result ? <Result result={m.result} /> : null}
          <AttemptsTable attempts={detail.data?.attempts ?? []} />
        </>
      ) : null}
    </section>
  );
};

/** The final attempt's result: status, duration, headers, and the body as text (never as markup). */
const Result = ({ result }: { result: DeliveryResult }) => {
  const body = resultBody(result);
  const headers = Object.entries(result.headers ?? {});
  return (
    <section aria-labelledby="result-title" data-testid="result">
      <h3 id="result-title">Result</h3>
      <dl class="facts">
        {result.status !== undefined ? (
          <>
            <dt>Status</dt>
            <dd>{result.status}</dd>
          </>
        ) : null}
        {result.durationMs !== undefined ? (
          <>
            <dt>Duration</dt>
            <dd>{result.durationMs} ms</dd>
          </>
        ) : null}
        {headers.map(([name, value]) => (
          <Fragment key={name}>
            <dt>
              <code>{name}</code>
            </dt>
            <dd class="wrap">{value}</dd>
          </Fragment>
        ))}
      </dl>
      {body.kind === 'none' ? <p>No body.</p> : body.kind === 'binary' ? <p>{body.text}</p> : <pre class="json">{body.text}</pre>}
    </section>
  );
};

const NewMessage = ({ apps, onCreated, onCancel }: { apps: App[]; onCreated: (m: Message) => void; onCancel: () => void }) => {
  const { scope } = useSession();
  const [appId, setAppId] = useState(apps[0]?.id ?? '');
  const [delay, setDelay] = useState('0');
  const [payload, setPayload] = useState('{\n  "hello": "world"\n}');
  const [error, setError] = useState<unknown>();
  const create = async () => {
    setError(undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      throw new Error('the payload is not valid JSON');
    }
    const body = { ...(scope === 'control' ? { appId } : {}), delaySeconds: Number(delay) || 0, payload: parsed };
    onCreated(await call<Message>('POST', '/v1/messages', body));
  };
  return (
    <form class="form" onSubmit={(e) => e.preventDefault()}>
      {scope === 'control' ? (
        <Field id="msg-app" label="App">
          <select id="msg-app" value={appId} onChange={(e) => setAppId(e.currentTarget.value)}>
            {apps.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      <Field id="msg-delay" label="Delay (seconds)" hint="0 delivers now.">
        <input
          id="msg-delay"
          inputMode="numeric"
          aria-describedby="msg-delay-hint"
          value={delay}
          onInput={(e) => setDelay(e.currentTarget.value)}
        />
      </Field>
      <Field id="msg-payload" label="Payload (JSON)">
        <textarea id="msg-payload" rows={6} spellcheck={false} value={payload} onInput={(e) => setPayload(e.currentTarget.value)} />
      </Field>
      <ErrorNote error={error} />
      <div class="actions">
        <button type="button" class="btn plain" onClick={onCancel}>
          Cancel
        </button>
        <ActionButton kind="primary" onAction={create} onError={setError} busyLabel="Scheduling…">
          Schedule message
        </ActionButton>
      </div>
    </form>
  );
};

export const MessagesPage = ({ params }: { params: URLSearchParams }) => {
  const { scope } = useSession();
  const id = params.get('id');
  const status = params.get('status') ?? '';
  const appId = params.get('appId') ?? '';
  const scheduleId = params.get('scheduleId') ?? '';
  const [cursor, setCursor] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>();
  const filter = { status, appId, scheduleId };
  const apps = useLoad(
    () => (scope === 'control' ? call<Page<App>>('GET', '/v1/apps?limit=100') : Promise.resolve({ items: [] } as Page<App>)),
    [scope],
  );
  const list = useLoad(
    () => (id ? Promise.resolve(undefined) : call<Page<Message>>('GET', `/v1/messages${query({ ...filter, limit: 25, cursor })}`)),
    [id, status, appId, scheduleId, cursor],
  );
  // Rows in view take their state from the events; only new messages (on the first page) need the list fetched again.
  const states = useLiveStatuses();
  useLiveRefresh((e) => !id && !cursor && e.type === 'message.created', list.reload, 2_000);
  if (id) return <MessageDetail id={id} />;
  const shown = (list.data?.items ?? []).map((m) => {
    const s = states.get(m.id);
    // News from before the load is already in it.
    if (!s || s.at < list.loadedAt) return m;
    return { ...m, status: s.status as Message['status'], attemptCount: s.attemptCount ?? m.attemptCount };
  });
  const setFilter = (k: string, v: string) => {
    setCursor(undefined);
    navigate('messages', { ...filter, [k]: v });
  };
  return (
    <>
      <h1>Messages</h1>
      <div class="toolbar">
        <button type="button" class="btn primary" onClick={() => setCreating(true)}>
          New message
        </button>
      </div>
      <Dialog title="New message" open={creating} onClose={() => setCreating(false)}>
        <NewMessage
          apps={apps.data?.items ?? []}
          onCancel={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            list.reload();
          }}
        />
      </Dialog>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <Field id="filter-status" label="Status">
          <select id="filter-status" value={status} onChange={(e) => setFilter('status', e.currentTarget.value)}>
            <option value="">any</option>
            {messageStatuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </Field>
        {scope === 'control' ? (
          <Field id="filter-app" label="App">
            <select id="filter-app" value={appId} onChange={(e) => setFilter('appId', e.currentTarget.value)}>
              <option value="">any</option>
              {(apps.data?.items ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <Field id="filter-schedule" label="Schedule id">
          <input
            id="filter-schedule"
            value={scheduleId}
            placeholder="sch_…"
            onChange={(e) => setFilter('scheduleId', e.currentTarget.value.trim())}
          />
        </Field>
      </form>
      <Busy loading={list.loading && !list.data} />
      <ErrorNote error={list.error ?? error} />
      {list.data && list.data.items.length === 0 ? <p>No messages match.</p> : null}
      {list.data?.items.length ? (
        <div class="table-wrap">
          <table data-testid="messages">
            <caption class="visually-hidden">Messages, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Message</th>
                <th scope="col">Status</th>
                <th scope="col">Send at</th>
                <th scope="col">Attempts</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((m) => (
                <tr key={m.id} data-id={m.id}>
                  <td>
                    <a href={href('messages', { id: m.id })}>
                      <code>{m.id}</code>
                    </a>
                  </td>
                  <td data-testid="status">
                    <Status value={m.status} />
                  </td>
                  <td>
                    {localTime(m.sendAt)} <span class="hint">{relative(m.sendAt)}</span>
                  </td>
                  <td>{m.attemptCount}</td>
                  <td class="row-actions">
                    {m.status === 'scheduled' ? (
                      <ActionButton
                        kind="danger"
                        aria-label={`Abort ${m.id}`}
                        busyLabel="Aborting…"
                        onError={setError}
                        onAction={async () => {
                          await call('POST', `/v1/messages/${encodeURIComponent(m.id)}/abort`);
                          list.reload();
                        }}
                      >
                        Abort
                      </ActionButton>
                    ) : null}
                    {m.status === 'failed' || m.status === 'aborted' ? (
                      <ActionButton
                        aria-label={`Redrive ${m.id}`}
                        busyLabel="Redriving…"
                        onError={setError}
                        onAction={async () => {
                          await call('POST', `/v1/messages/${encodeURIComponent(m.id)}/redrive`, {});
                          list.reload();
                        }}
                      >
                        Redrive
                      </ActionButton>
                    ) : null}
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
