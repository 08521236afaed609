// Runs: each job's runs as bars along one time axis (where they started, how long they took, how they ended),
// each job's runs in a table under it, the alerts when the host keeps them, and the model runs.
import { absolute, api, duration, esc, fill, header, ms, optional, poll, status, table, timespan, when } from '/assets/common.js';

header('runs');

function lanes(jobs) {
  if (!jobs.length) return '<p class="empty">no job has run yet</p>';
  const starts = jobs.map(j => Date.parse(j.started_at));
  const t0 = Math.min(...starts);
  const t1 = Math.max(Date.now(), ...jobs.map((j, i) => starts[i] + (timespan(j.duration) ?? 0) * 1000));
  const span = Math.max(1, t1 - t0);
  const byJob = Map.groupBy(jobs, j => j.job);
  const html = [...byJob].sort(([a], [b]) => a.localeCompare(b)).map(([job, runs]) => {
    const last = runs[0];
    const failed = runs.filter(r => r.status === 'failed').length;
    const bars = runs.map(r => {
      const start = Date.parse(r.started_at);
      const took = timespan(r.duration) ?? 0;
      const tip = `${job} · ${r.status} · ${r.trigger} · started ${absolute(r.started_at)} · took ${duration(took)}` +
        (r.error ? ` · ${r.error}` : r.detail ? ` · ${r.detail}` : '');
      return `<span class="bar ${esc(r.status)}" title="${esc(tip)}" style="left:${((start - t0) / span) * 100}%;width:${(took * 1000 / span) * 100}%"></span>`;
    }).join('');
    return `<div class="lane" data-job="${esc(job)}"><div class="name">${esc(job)}<span class="muted">${runs.length} runs` +
      `${failed ? `, ${failed} failed` : ''} · last ${when(last.started_at)}</span></div><div class="track">${bars}</div></div>` +
      `<details data-job="${esc(job)}"><summary>${esc(job)}: each run</summary>${table([
        { label: 'started', cell: r => when(r.started_at), cls: 'nowrap' },
        { label: 'status', cell: r => status(r.status) },
        { label: 'trigger', cell: r => esc(r.trigger) },
        { label: 'attempts', cell: r => esc(r.attempts), cls: 'n' },
        { label: 'took', cell: r => esc(duration(timespan(r.duration))), cls: 'n' },
        { label: 'detail', cell: r => esc(r.error ?? r.detail), cls: 'wrap' },
      ], runs.slice(0, 50))}</details>`;
  }).join('');
  return `<div class="lanes" id="runs">${html}</div>` +
    `<div class="axis"><span title="${esc(absolute(new Date(t0).toISOString()))}">${esc(new Date(t0).toLocaleTimeString('en-GB'))}</span><span>now</span></div>`;
}

function durationBar(value, max) {
  return `<span class="dur"><span class="b" style="width:${Math.max(2, (value / Math.max(1, max)) * 80)}px"></span>${esc(ms(value))}</span>`;
}

/** The model runs grouped by the transformation run they belong to, newest run first, each model with a bar of its duration. */
function modelRuns(rows) {
  if (!rows.length) return '<p class="empty">no model has run yet</p>';
  const groups = [...Map.groupBy(rows, r => r.run_id)].slice(0, 15);
  return '<div id="model-runs-groups">' + groups.map(([id, models]) => {
    const longest = Math.max(0, ...models.map(r => r.duration_ms ?? 0));
    const failed = models.filter(r => r.status === 'error').length;
    const skipped = models.filter(r => r.status === 'skipped').length;
    const started = models.map(r => r.started_at).sort()[0];
    return `<details data-job="run:${esc(id)}"><summary>${when(started)} · ${models.length} models` +
      (failed ? ` · <span class="bad">${failed} failed</span>` : '') + (skipped ? ` · <span class="warn">${skipped} skipped</span>` : '') +
      ` · longest ${esc(ms(longest))}</summary>${table([
        { label: 'model', cell: r => esc(r.model) },
        { label: 'status', cell: r => status(r.status) },
        { label: 'materialized', cell: r => esc(r.materialized) },
        { label: 'rows', cell: r => esc(r.rows_changed), cls: 'n' },
        { label: 'took', cell: r => durationBar(r.duration_ms ?? 0, longest) },
        { label: 'error', cell: r => esc(r.error), cls: 'wrap' },
      ], models)}</details>`;
  }).join('') + '</div>';
}

function render([runs, alerts]) {
  // The page redraws every 5 s: a run table someone opened stays open.
  const open = new Set([...document.querySelectorAll('details[open]')].map(d => d.dataset.job));
  fill('timeline', lanes(runs.jobs));
  for (const details of document.querySelectorAll('details')) details.open = open.has(details.dataset.job);
  fill('model-runs', modelRuns(runs.model_runs));
  for (const details of document.querySelectorAll('#model-runs details')) details.open = open.has(details.dataset.job) || (!open.size && details === document.querySelector('#model-runs details'));

  document.getElementById('alerts-card').hidden = alerts == null;
  if (alerts != null) {
    fill('alerts', table([
      { label: 'status', cell: a => status(a.status) },
      { label: 'rule', cell: a => esc(a.rule) },
      { label: 'subject', cell: a => esc(a.subject) },
      { label: 'message', cell: a => esc(a.message), cls: 'wrap' },
      { label: 'fired', cell: a => when(a.fired_at), cls: 'nowrap' },
      { label: 'resolved', cell: a => when(a.resolved_at), cls: 'nowrap' },
      { label: 'sent', cell: a => esc(a.notifications ?? 0), cls: 'n' },
    ], alerts.rows ?? alerts, 'no alert has fired'));
  }
}

poll(() => Promise.all([api('/api/runs'), optional('/api/alerts')]), render, 5000);
