import { useState } from 'preact/hooks';
import { call, query } from '../api';
import { ActionButton, Busy, Confirm, Dialog, ErrorNote, Field, Pager, ShownOnce } from '../components';
import { localTime } from '../format';
import { useLoad } from '../hooks';
import type { ApiKey, App, Page } from '../types';

const NewKey = ({ apps, onCreated, onCancel }: { apps: App[]; onCreated: (k: ApiKey) => void; onCancel: () => void }) => {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'control' | 'data'>('data');
  const [appId, setAppId] = useState(apps[0]?.id ?? '');
  const [plan, setPlan] = useState('');
  const [error, setError] = useState<unknown>();
  const create = async () => {
    setError(undefined);
    const body = {
      ...(name.trim() ? { name: name.trim() } : {}),
      scope,
      ...(scope === 'data' ? { appId } : {}),
      ...(plan.trim() ? { plan: plan.trim() } : {}),
    };
    onCreated(await call<ApiKey>('POST', '/v1/keys', body));
  };
  return (
    <form class="form" onSubmit={(e) => e.preventDefault()}>
      <Field id="key-name" label="Name">
        <input id="key-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <fieldset>
        <legend>Scope</legend>
        <label class="choice">
          <input type="radio" name="key-scope" checked={scope === 'data'} onChange={() => setScope('data')} /> data: one app's messages and
          schedules
        </label>
        <label class="choice">
          <input type="radio" name="key-scope" checked={scope === 'control'} onChange={() => setScope('control')} /> control: everything of
          the tenant
        </label>
      </fieldset>
      {scope === 'data' ? (
        <Field id="key-app" label="App">
          <select id="key-app" value={appId} onChange={(e) => setAppId(e.currentTarget.value)}>
            {apps.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      <Field id="key-plan" label="Plan (optional)" hint="Default: the tenant's plan; only a lower one may be given.">
        <input
          id="key-plan"
          list="key-plans"
          aria-describedby="key-plan-hint"
          value={plan}
          onInput={(e) => setPlan(e.currentTarget.value)}
        />
        <datalist id="key-plans">
          <option value="free" />
          <option value="pro" />
          <option value="unlimited" />
        </datalist>
      </Field>
      <ErrorNote error={error} />
      <div class="actions">
        <button type="button" class="btn plain" onClick={onCancel}>
          Cancel
        </button>
        <ActionButton kind="primary" onAction={create} onError={setError} busyLabel="Creating…">
          Create key
        </ActionButton>
      </div>
    </form>
  );
};

export const KeysPage = () => {
  const [cursor, setCursor] = useState<string | undefined>();
  const keys = useLoad(() => call<Page<ApiKey>>('GET', `/v1/keys${query({ limit: 50, cursor })}`), [cursor]);
  const apps = useLoad(() => call<Page<App>>('GET', '/v1/apps?limit=100'), []);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | undefined>();
  const [shown, setShown] = useState<ApiKey | undefined>();
  const appName = (id?: string) => apps.data?.items.find((a) => a.id === id)?.name ?? id;
  return (
    <>
      <h1>Keys</h1>
      {shown?.key ? <ShownOnce label={`Key ${shown.name}`} value={shown.key} onDone={() => setShown(undefined)} /> : null}
      <div class="toolbar">
        <button type="button" class="btn primary" onClick={() => setCreating(true)}>
          New key
        </button>
      </div>
      <Dialog title="New key" open={creating} onClose={() => setCreating(false)}>
        <NewKey
          apps={apps.data?.items ?? []}
          onCancel={() => setCreating(false)}
          onCreated={(k) => {
            setShown(k);
            setCreating(false);
            keys.reload();
          }}
        />
      </Dialog>
      {revoking ? (
        <Confirm
          title={`Revoke ${revoking.name}?`}
          body={<p>It stops working at once, for every request and open event stream.</p>}
          confirmLabel="Revoke key"
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            await call('DELETE', `/v1/keys/${encodeURIComponent(revoking.id)}`);
            keys.reload();
          }}
        />
      ) : null}
      <Busy loading={keys.loading && !keys.data} />
      <ErrorNote error={keys.error} />
      {keys.data?.items.length ? (
        <div class="table-wrap">
          <table data-testid="keys">
            <caption class="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Plan</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((k) => (
                <tr key={k.id} data-id={k.id}>
                  <td>
                    <strong>{k.name}</strong>
                    <br />
                    <code class="id">{k.id}</code>
                  </td>
                  <td>
                    {k.scope}
                    {k.appId ? ` · ${appName(k.appId)}` : ''}
                  </td>
                  <td>{k.plan}</td>
                  <td>{localTime(k.createdAt)}</td>
                  <td>{localTime(k.lastUsedAt)}</td>
                  <td class="row-actions" data-testid="key-state">
                    {k.revokedAt ? (
                      <span class="status status-revoked">revoked {localTime(k.revokedAt)}</span>
                    ) : (
                      <button type="button" class="btn danger" onClick={() => setRevoking(k)} aria-label={`Revoke ${k.name}`}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager next={keys.data?.nextCursor} atFirst={!cursor} onNext={setCursor} onFirst={() => setCursor(undefined)} />
    </>
  );
};
