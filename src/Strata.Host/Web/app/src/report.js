// One report: its parameters as form controls (reflected in the address and in every download link), the chart
// the host forms with ChartData, and the table. Refreshed every 15 s so "as of" follows the data.
import { api, esc, fill, header, HttpError, link, poll, table } from '/assets/common.js';
import { categoryChart } from '/assets/charts.js';

header('reports');
const name = decodeURIComponent(location.pathname.split('/').pop());
const formats = ['csv', 'xlsx', 'html', 'json'];
let formBuilt = false;
let chart = null;
let chartKey = '';

/** The report parameters in the address (everything but the token). */
function parameters() {
  const given = {};
  for (const [key, value] of new URLSearchParams(location.search)) {
    if (key !== 'token' && value !== '') given[key] = value;
  }
  return given;
}

function control(p) {
  const id = `param-${p.name}`;
  const value = parameters()[p.name] ?? p.default ?? '';
  let input;
  if (p.allowed?.length || p.type === 'boolean') {
    const options = p.allowed?.length ? p.allowed : ['true', 'false'];
    const blank = p.default == null ? '<option value="">(any)</option>' : '';
    input = `<select id="${id}" name="${esc(p.name)}">${blank}` +
      options.map(o => `<option value="${esc(o)}"${o === value ? ' selected' : ''}>${esc(o)}</option>`).join('') + '</select>';
  } else {
    const type = { integer: 'number', decimal: 'number', date: 'date' }[p.type] ?? 'text';
    const step = p.type === 'decimal' ? ' step="any"' : p.type === 'integer' ? ' step="1"' : '';
    input = `<input id="${id}" name="${esc(p.name)}" type="${type}"${step} value="${esc(value)}" placeholder="${esc(p.default ?? '')}">`;
  }
  return `<label for="${id}"><span>${esc(p.name)} · ${esc(p.type)}${p.default != null ? `, default ${esc(p.default)}` : ''}</span>${input}</label>`;
}

function buildForm(report) {
  const form = document.getElementById('params');
  form.hidden = report.parameters.length === 0;
  form.innerHTML = report.parameters.map(control).join('') + '<noscript><button>Apply</button></noscript>';
  form.addEventListener('change', () => {
    const chosen = {};
    for (const [key, value] of new FormData(form)) if (value !== '') chosen[key] = value;
    history.replaceState(null, '', link(location.pathname, chosen));
    load().then(render, shown);
  });
  form.addEventListener('submit', event => event.preventDefault());
  formBuilt = true;
}

function downloads() {
  fill('downloads', formats.map(f =>
    `<a href="${esc(link(`/reports/${encodeURIComponent(name)}.${f}`, parameters()))}" download>${f.toUpperCase()}</a>`).join(''));
}

function render(report) {
  document.title = `Strata — ${report.title}`;
  document.getElementById('title').textContent = report.title;
  document.getElementById('as-of').textContent = report.as_of;
  document.getElementById('description').textContent = report.description ?? '';
  document.getElementById('error').hidden = true;
  if (!formBuilt) buildForm(report);
  downloads();

  const numeric = new Set(report.columns.filter(c => ['integer', 'decimal', 'percent'].includes(c.format)).map(c => c.name));
  document.getElementById('rows-title').textContent = `${report.rows.length} ${report.rows.length === 1 ? 'row' : 'rows'}`;
  fill('rows', table(report.columns.map((c, i) => ({
    label: c.label,
    cls: numeric.has(c.name) ? 'n' : '',
    cell: row => esc(row[i]),
  })), report.rows, 'no rows for these parameters', 'report-table'));

  const card = document.getElementById('chart-card');
  card.hidden = !report.chart || report.rows.length === 0;
  if (!card.hidden) {
    document.getElementById('chart-title').textContent = `${report.chart.y_label} by ${report.chart.x_label}`;
    // Redraw only when the data changed: uPlot keeps its own state, and a poll usually brings the same rows.
    const key = JSON.stringify(report.chart);
    if (key !== chartKey) {
      chart?.destroy();
      const box = document.getElementById('chart');
      box.innerHTML = '';
      chart = categoryChart(box, report.chart);
      chartKey = key;
    }
  }
}

function shown(error) {
  const element = document.getElementById('error');
  element.hidden = false;
  element.textContent = error instanceof HttpError ? error.message : String(error);
  downloads();
  // A bad value in the address: the controls still come, from the report run with its defaults.
  if (!formBuilt && error instanceof HttpError && error.status === 400) {
    api(`/api/reports/${encodeURIComponent(name)}`).then(report => formBuilt || buildForm(report), () => {});
  }
}

const load = () => api(`/api/reports/${encodeURIComponent(name)}`, parameters());
poll(load, render, 15000, shown);
