// The overview: /api/overview every 2 s, the age of gold chart from the same answer.
import { api, bytes, duration, esc, fill, header, link, ms, poll, status, table, timespan, when } from '/assets/common.js';
import { timeChart } from '/assets/charts.js';

header('overview');
const chart = timeChart(document.getElementById('gold-chart'), 'age of gold');
const goldClass = { ok: 'ok', warn: 'warn', error: 'bad' };
/** What the status means; an error while ingestion has failed is that failure, whatever the age says. */
function goldWords(gold, workers) {
  if (gold === 'error' && workers.ingestion?.state === 'failed') return 'ingestion has failed: nothing new reaches gold';
  return { ok: 'within freshness.warn_after', warn: 'past freshness.warn_after', error: 'past freshness.error_after', unknown: 'gold not built yet' }[gold] ?? '';
}

function render(o) {
  const gold = o.gold_status ?? 'unknown';
  const headline = document.getElementById('freshness');
  headline.textContent = o.gold_freshness_seconds == null ? '–' : duration(o.gold_freshness_seconds);
  headline.className = `big live ${goldClass[gold] ?? 'unknown'}`;
  headline.dataset.seconds = o.gold_freshness_seconds ?? '';
  fill('gold-status', `${status(gold)} ${esc(goldWords(gold, o.workers ?? {}))}`);

  const workers = Object.entries(o.workers ?? {});
  const banner = document.getElementById('problems');
  const problems = o.problems ?? [];
  banner.hidden = problems.length === 0;
  const severe = gold === 'error' || workers.some(([, w]) => w.state === 'failed');
  banner.className = `banner ${severe ? 'bad' : 'warn'}`;
  banner.innerHTML = `<strong>${problems.length === 1 ? '1 problem' : `${problems.length} problems`}</strong><ul>` +
    problems.map(p => `<li>${esc(p)}</li>`).join('') + '</ul>';

  document.getElementById('lag-bytes').textContent = bytes(o.slot?.lag_bytes);
  // "unreachable: why" — the why is in the banner and the source worker's detail.
  document.getElementById('slot-state').textContent = o.slot?.state?.split(':')[0] ?? '–';
  document.getElementById('lag-seconds').textContent = o.slot?.lag_seconds == null ? '–' : duration(o.slot.lag_seconds);
  const v = o.visibility_last_hour ?? {};
  document.getElementById('visibility').textContent = v.samples ? [v.p50, v.p95, v.p99].map(x => x.toFixed(1)).join(' / ') + ' s' : '–';
  fill('visibility-note', `p50 / p95 / p99 over ${v.samples ?? 0} source transactions, last hour`);
  document.getElementById('runs').textContent = o.transformation_runs ?? '–';

  fill('workers', workers.map(([name, w]) =>
    `<li data-worker="${esc(name)}"><span>${status(w.state)}</span><span><strong>${esc(name)}</strong> · since ${when(w.since)}</span>` +
    (w.detail ? `<span class="detail">${esc(w.detail)}</span>` : '') + '</li>').join('') || '<li class="muted">no workers yet</li>');

  const alerts = o.alerts;
  document.getElementById('alerts-card').hidden = !Array.isArray(alerts);
  if (Array.isArray(alerts)) {
    fill('alerts', table([
      { label: 'rule', cell: a => esc(a.rule) },
      { label: 'subject', cell: a => esc(a.subject) },
      { label: 'message', cell: a => esc(a.message), cls: 'wrap' },
      { label: 'fired', cell: a => when(a.fired_at), cls: 'nowrap' },
      { label: 'sent', cell: a => esc(a.notifications ?? 0), cls: 'n' },
    ], alerts, 'no alert is firing'));
  }

  fill('tests', table([
    { label: 'test', cell: t => `<a href="${esc(link('/tests'))}">${esc(t.test)}</a>` },
    { label: 'model', cell: t => t.model ? `<a href="${esc(link(`/models/${encodeURIComponent(t.model)}`))}">${esc(t.model)}</a>` : '' },
    { label: 'status', cell: t => status(t.status) },
    { label: 'failures', cell: t => esc(t.failures), cls: 'n' },
    { label: 'sample', cell: t => esc(t.sample), cls: 'wrap' },
  ], o.failing_tests ?? [], 'none failing in the latest run'));

  // Samples come with transformation runs; the headline's value now continues the line between them.
  const samples = [...(o.freshness_last_hour ?? [])];
  if (o.gold_freshness_seconds != null) samples.push({ at: new Date().toISOString(), seconds: o.gold_freshness_seconds });
  chart.update(samples);

  fill('jobs', table([
    { label: 'job', cell: j => esc(j.job) },
    { label: 'status', cell: j => status(j.status) },
    { label: 'trigger', cell: j => esc(j.trigger) },
    { label: 'started', cell: j => when(j.started_at), cls: 'nowrap' },
    { label: 'took', cell: j => esc(duration(timespan(j.duration))), cls: 'n' },
    { label: 'detail', cell: j => esc(j.error ?? j.detail), cls: 'wrap' },
  ], o.last_jobs ?? []));

  fill('models', table([
    { label: 'model', cell: ([m]) => `<a href="${esc(link(`/models/${encodeURIComponent(m)}`))}">${esc(m)}</a>` },
    { label: 'age', cell: ([, s]) => esc(duration(s)), cls: 'n' },
  ], Object.entries(o.model_freshness_seconds ?? {}).sort(([a], [b]) => a.localeCompare(b))));

  fill('last', table([
    { label: 'model', cell: r => esc(r.model) },
    { label: 'status', cell: r => status(r.status) },
    { label: 'rows', cell: r => esc(r.rows_changed), cls: 'n' },
    { label: 'started', cell: r => when(r.started_at), cls: 'nowrap' },
    { label: 'took', cell: r => esc(ms(r.duration_ms)), cls: 'n' },
    { label: 'error', cell: r => esc(r.error), cls: 'wrap' },
  ], (o.last_runs ?? []).slice(0, 10)));
}

poll(() => api('/api/overview'), render, 2000);
