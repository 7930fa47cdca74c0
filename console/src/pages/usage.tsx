import { call, query } from '../api';
import { Chart } from '../chart';
import { Busy, ErrorNote } from '../components';
import { utcDaysAgo, utcToday } from '../format';
import { useLoad } from '../hooks';
import { loadOwnTenant, PlanFacts } from '../plan';
import type { ApiKey, Page, UsageCounters, UsageRow } from '../types';

/** How many days the chart shows. */
const days = 30;
const palette = ['#1f5fbf', '#b3261e', '#1b7f3b', '#8a4fbf', '#b36b00', '#00707a', '#6b6b6b'];

export const UsagePage = () => {
  const from = utcDaysAgo(days - 1);
  const to = utcToday();
  const usage = useLoad(() => call<{ items: UsageRow[]; totals: UsageCounters }>('GET', `/v1/usage${query({ from, to })}`), [from, to]);
  const keys = useLoad(() => call<Page<ApiKey>>('GET', '/v1/keys?limit=100'), []);
  const plan = useLoad(loadOwnTenant, []);
  const dates = Array.from({ length: days }, (_, i) => utcDaysAgo(days - 1 - i));
  const x = dates.map((d) => Date.parse(`${d}T00:00:00Z`) / 1_000);
  const rows = usage.data?.items ?? [];
  const keyIds = [...new Set(rows.map((r) => r.keyId))];
  const nameOf = (id: string) => keys.data?.items.find((k) => k.id === id)?.name ?? id;
  const perKey = keyIds.map((id) => dates.map((d) => rows.find((r) => r.keyId === id && r.date === d)?.requests ?? 0));
  const quota = plan.data?.limits?.quota;
  const dailyQuota = quota?.period === 'DAY' ? quota.limit : undefined;
  const series = keyIds.map((id, i) => ({
    label: nameOf(id),
    stroke: palette[i % palette.length],
    value: (v: number | null) => String(v ?? 0),
  }));
  const data: (number | null)[][] = [x, ...perKey];
  if (dailyQuota !== undefined) {
    series.push({ label: 'daily quota', stroke: '#3d4451', value: () => String(dailyQuota) });
    data.push(dates.map(() => dailyQuota));
  }
  const t = usage.data?.totals;
  return (
    <>
      <h1>Usage</h1>
      <section aria-labelledby="plan">
        <h2 id="plan">Plan and limits</h2>
        <p class="hint">For the tenant as a whole: every key counts against them together.</p>
        <ErrorNote error={plan.error} />
        {plan.data ? (
          <PlanFacts tenant={plan.data} />
        ) : (
          <p data-testid="plan">
            Keys' plans: {[...new Set((keys.data?.items ?? []).map((k) => k.plan))].join(', ') || '—'}. Each plan's throttle and quota are
            in the API reference (<a href="../docs">/docs</a>).
          </p>
        )}
      </section>
      <section aria-labelledby="per-day">
        <h2 id="per-day">Requests per day and key, last {days} days (UTC)</h2>
        <Busy loading={usage.loading && !usage.data} />
        <ErrorNote error={usage.error ?? keys.error} />
        {usage.data ? (
          <Chart
            title={`Requests per day per key over the last ${days} days${dailyQuota !== undefined ? ', against the daily quota' : ''}`}
            data={data}
            series={series.length ? series : [{ label: 'requests', stroke: palette[0] }]}
            yLabel="requests"
          />
        ) : null}
        {t ? (
          <div class="table-wrap">
            <table data-testid="usage-totals">
              <caption>
                Totals, {from} to {to}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Requests</th>
                  <th scope="col">Scheduled</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Deliveries</th>
                  <th scope="col">Failures</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <td>{t.requests}</td>
                  <td>{t.messagesScheduled}</td>
                  <td>{t.attempts}</td>
                  <td>{t.deliveries}</td>
                  <td>{t.failures}</td>
                </tr>
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
};
