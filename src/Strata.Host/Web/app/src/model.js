// One model: what it is, what it reads and what reads it, its columns and tests, its last runs and its SQL.
import { api, clock, esc, fill, header, link, ms, poll, status, table, when } from '/assets/common.js';

header('models');
const name = decodeURIComponent(location.pathname.split('/').pop());

function neighbour(node) {
  return node.startsWith('source:')
    ? `<code>${esc(node.slice('source:'.length))}</code> <span class="muted">(source)</span>`
    : `<a href="${esc(link(`/models/${encodeURIComponent(node)}`))}">${esc(node)}</a>`;
}

function render(m) {
  document.title = `Strata — ${m.name}`;
  document.getElementById('name').textContent = m.name;
  document.getElementById('summary').textContent = `${m.materialized} in schema ${m.schema} · ${m.path}`;
  document.getElementById('description').textContent = m.description ?? '';
  fill('upstream', m.upstream.map(neighbour).join('') || '<span class="muted">nothing</span>');
  fill('downstream', m.downstream.map(neighbour).join('') || '<span class="muted">nothing: a leaf</span>');
  fill('columns', table([
    { label: 'column', cell: c => `<code>${esc(c.name)}</code>` },
    { label: 'type', cell: c => esc(c.type ?? '') },
    { label: 'description', cell: c => esc(c.description ?? ''), cls: 'wrap' },
  ], m.columns, 'no columns known yet (not built, none documented)', 'columns-table'));
  fill('tests', table([
    { label: 'test', cell: t => esc(t.name) },
    { label: 'kind', cell: t => esc(t.kind) + (t.column ? ` on <code>${esc(t.column)}</code>` : '') },
    { label: 'status', cell: t => t.latest ? status(t.latest.status) : '<span class="muted">not run</span>' },
    { label: 'since', cell: t => t.latest ? `${esc(clock(t.latest.since))}, ${esc(t.latest.runs)} runs` : '', cls: 'nowrap' },
  ], m.tests, 'no tests on this model', 'model-tests'));
  fill('runs', table([
    { label: 'started', cell: r => when(r.started_at), cls: 'nowrap' },
    { label: 'status', cell: r => status(r.status) },
    { label: 'rows', cell: r => esc(r.rows_changed), cls: 'n' },
    { label: 'took', cell: r => esc(ms(r.duration_ms)), cls: 'n' },
    { label: 'error', cell: r => esc(r.error), cls: 'wrap' },
  ], m.runs, 'not run yet', 'model-runs'));
  const sql = document.getElementById('sql');
  if (sql.textContent !== m.sql) sql.textContent = m.sql;
}

poll(() => api(`/api/models/${encodeURIComponent(name)}`), render, 5000);
