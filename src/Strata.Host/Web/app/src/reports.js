// The list of reports, each with its page and downloads.
import { api, esc, fill, header, link, poll } from '/assets/common.js';

header('reports');
const formats = ['csv', 'xlsx', 'html', 'json'];

poll(() => api('/api/reports'), reports => fill('reports', reports.length === 0 ? '<p class="empty">this project has no reports</p>'
  : '<ul class="report-list" id="report-list">' + reports.map(r =>
    `<li><a class="title" href="${esc(link(`/reports/${encodeURIComponent(r.name)}`))}">${esc(r.title)}</a>` +
    (r.description ? `<span class="muted">${esc(r.description)}</span>` : '') +
    '<span class="downloads">' + formats.map(f =>
      `<a href="${esc(link(`/reports/${encodeURIComponent(r.name)}.${f}`))}" download>${f.toUpperCase()}</a>`).join('') + '</span></li>').join('') + '</ul>'), 30000);
