// Models: the graph the host draws (ModelGraphSvg, nodes linked to model pages) and each model's last run.
import { api, carryToken, esc, fill, header, link, ms, poll, status, table, when } from '/assets/common.js';

header('models');
let drawn = '';

poll(() => api('/api/models'), m => {
  if (m.graph !== drawn) {
    const box = document.getElementById('graph');
    box.innerHTML = m.graph;
    carryToken(box);
    drawn = m.graph;
  }
  fill('models', table([
    { label: 'model', cell: r => `<a href="${esc(link(`/models/${encodeURIComponent(r.model)}`))}">${esc(r.model)}</a>` },
    { label: 'materialized', cell: r => esc(r.materialized) },
    { label: 'status', cell: r => status(r.status) },
    { label: 'rows', cell: r => esc(r.rows_changed), cls: 'n' },
    { label: 'last run', cell: r => when(r.started_at), cls: 'nowrap' },
    { label: 'took', cell: r => esc(ms(r.duration_ms)), cls: 'n' },
    { label: 'error', cell: r => esc(r.error), cls: 'wrap' },
  ], m.models, 'no model has run yet', 'models-table'));
}, 5000);
