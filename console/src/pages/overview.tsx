import { call, query } from '../api';
import { Chart } from '../chart';
import { ActionButton, Busy, ErrorNote, Status } from '../components';
import { useSession } from '../context';
import { localTime, utcToday } from '../format';
import { useLiveRefresh, useLoad } from '../hooks';
import { href } from '../router';
import { limitRows, loadOwnTenant } from '../plan';
import { perMinute } from '../stats';
import type { Message, Page, UsageCounters } from '../types';
import { useState } from 'preact/hooks';

/** How many delivered messages the chart reads at most (newest first). */
const chartPages = 5;

const loadDelivered = async (): Promise<Message[]> => {
  const out: Message[] = [];
  let cursor: string | undefined;
  const since = Date.now() - 3_600_000;
  for (let i = 0; i < chartPages; i++) {
    const page = await call<Page<Message>>('GET', `/v1/messages${query({ status: 'delivered', limit: 100, cursor })}`);
    out.push(...page.items);
    cursor = page.nextCursor;
    // Newest first by creation: once a page was created before the hour, the rest were too (and delivered before, mostly).
    if (!cursor || page.items.every((m) => Date.parse(m.createdAt) < since)) break;
  }
  return out;
};

const Counts = () => {
  const { scope } = useSession();
  const today = utcToday();
  const usage = useLoad(
    () =>
      scope === 'control'
        ? call<{ totals: UsageCounters }>('GET', `/v1/usage${query({ from: today, to: today })}`)
        : Promise.resolve(undefined),
    [scope, today],
  );
  useLiveRefresh((e) => e.type.startsWith('message.'), usage.reload, 5_000);
  const t = usage.data?.totals;
  const card = (label: string, value: number | undefined, id: string) => (
    <div class="card" data-testid={id}>
      <span class="card-label">{label}</span>
      <span class="card-value">{value ?? '—'}</span>
    </div>
  );
  return (
    <section aria-labelledby="today">
      <h2 id="today">Today (UTC)</h2>
      <ErrorNote error={usage.error} />
      <div class="cards">
        {card('Scheduled', t?.messagesScheduled, 'today-scheduled')}
        {card('Delivered', t?.deliveries, 'today-delivered')}
        {card('Failed', t?.failures, 'today-failed')}
      </div>
      {scope === 'data' ? <p class="hint">Daily counts need a control key.</p> : null}
    </section>
  );
};

const Deliveries = () => {
  const delivered = useLoad(loadDelivered, []);
  // Up to five requests a time (each counts on the key's plan): a per-minute chart can wait half a minute.
  useLiveRefresh((e) => e.type === 'message.delivered', delivered.reload, 30_000);
  const s = perMinute(delivered.data ?? [], Date.now());
  const total = s.deliveries.reduce((a, b) => a + b, 0);
  const seconds = (v: number | null) => (v === null ? '—' : `${v.toFixed(3)} s`);
  return (
    <section aria-labelledby="last-hour">
      <h2 id="last-hour">Deliveries per minute, last hour</h2>
      <ErrorNote error={delivered.error} />
      <Chart
        title={`Deliveries per minute and lateness p50/p99 over the last hour: ${total} deliveries`}
        data={[s.x, s.deliveries, s.p50, s.p99]}
        series={[
          { label: 'deliveries', stroke: '#1f5fbf', bars: true, value: (v) => String(v ?? 0) },
          { label: 'lateness p50', stroke: '#1b7f3b', scale: 'y2', value: seconds },
          { label: 'lateness p99', stroke: '#b3261e', scale: 'y2', value: seconds },
        ]}
        yLabel="deliveries"
        y2Label="lateness (s)"
      />
      <p class="hint">
        Lateness: delivered − sendAt of messages delivered at their first attempt ({total} deliveries read from the newest{' '}
        {chartPages * 100} delivered messages).
      </p>
    </section>
  );
};

const Failed = () => {
  const failed = useLoad(() => call<Page<Message>>('GET', '/v1/messages?status=failed&limit=10'), []);
  const [error, setError] = useState<unknown>();
  useLiveRefresh((e) => e.type === 'message.failed' || e.type === 'message.redriven', failed.reload, 500);
  const items = failed.data?.items ?? [];
  return (
    <section aria-labelledby="attention">
      <h2 id="attention">Failed messages needing attention</h2>
      <Busy loading={failed.loading && !failed.data} />
      <ErrorNote error={failed.error ?? error} />
      {items.length === 0 && failed.data ? <p>None. Every message was delivered or is on its way.</p> : null}
      {items.length ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Failed messages</caption>
            <thead>
              <tr>
                <th scope="col">Message</th>
                <th scope="col">Failed</th>
                <th scope="col">Last error</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <tr key={m.id}>
                  <td>
                    <a href={href('messages', { id: m.id })}>
                      <code>{m.id}</code>
                    </a>{' '}
                    <Status value={m.status} />
                  </td>
                  <td>{localTime(m.failedAt)}</td>
                  <td class="wrap">{m.lastError}</td>
                  <td>
                    <ActionButton
                      onAction={async () => {
                        setError(undefined);
                        await call('POST', `/v1/messages/${encodeURIComponent(m.id)}/redrive`, {});
                        failed.reload();
                      }}
                      onError={setError}
                      busyLabel="Redriving…"
                      aria-label={`Redrive ${m.id}`}
                    >
                      Redrive
                    </ActionButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
};

/** The plan and the limits a tenant meets first (control keys: `GET /v1/tenants/me`); Usage lists every limit. */
const Plan = () => {
  const tenant = useLoad(loadOwnTenant, []);
  if (!tenant.data && !tenant.error) return null;
  return (
    <section aria-labelledby="plan">
      <h2 id="plan">Plan</h2>
      <ErrorNote error={tenant.error} />
      {tenant.data ? (
        <p data-testid="overview-plan">
          <strong>{tenant.data.plan}</strong>:{' '}
          {limitRows(tenant.data.limits)
            .slice(0, 3)
            .map(([label, value]) => `${label.toLowerCase()} ${value}`)
            .join(' · ')}
          . <a href={href('usage')}>Every limit, and usage</a>
        </p>
      ) : null}
    </section>
  );
};

export const OverviewPage = () => (
  <>
    <h1>Overview</h1>
    {useSession().scope === 'control' ? <Plan /> : null}
    <Counts />
    <Deliveries />
    <Failed />
  </>
);
