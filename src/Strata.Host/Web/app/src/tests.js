// Tests: one row per test with its latest result and how long it has held, failures first.
import { api, clock, esc, fill, header, link, poll, status, table, when } from '/assets/common.js';

header('tests');

function streak(t) {
  const word = { pass: 'passing', fail: 'failing', warn: 'warning', error: 'erroring' }[t.status] ?? t.status;
  const runs = `${t.runs}${t.runs >= 500 ? '+' : ''} ${t.runs === 1 ? 'run' : 'runs'}`;
  return `${esc(word)} since <time datetime="${esc(t.since)}" title="${esc(new Date(t.since).toString())}">${esc(clock(t.since))}</time>, ${esc(runs)}`;
}

poll(() => api('/api/tests'), tests => fill('tests', table([
  { label: 'test', cell: t => `<strong>${esc(t.test)}</strong>` },
  { label: 'status', cell: t => status(t.status) },
  { label: 'for how long', cell: t => streak(t), cls: 'nowrap' },
  { label: 'model', cell: t => t.model ? `<a href="${esc(link(`/models/${encodeURIComponent(t.model)}`))}">${esc(t.model)}</a>` : '' },
  { label: 'severity', cell: t => esc(t.severity) },
  { label: 'failures', cell: t => esc(t.failures), cls: 'n' },
  { label: 'sample', cell: t => esc(t.error ?? t.sample), cls: 'wrap' },
  { label: 'last run', cell: t => when(t.last_run_at), cls: 'nowrap' },
], tests, 'no test has run yet', 'tests-table')), 5000);
