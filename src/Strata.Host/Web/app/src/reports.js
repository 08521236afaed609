// The list of reports, each with its page and downloads.
import { api, esc, fill, header, link, poll, table } from '/assets/common.js';

header('reports');
const formats = ['csv', 'xlsx', 'html', 'json'];

poll(() => api('/api/reports'), reports => fill('reports', table([
  { label: 'report', cell: r => `<a href="${esc(link(`/reports/${encodeURIComponent(r.name)}`))}">${esc(r.title)}</a>` },
  { label: 'what it answers', cell: r => esc(r.description), cls: 'wrap' },
  { label: 'downloads', cell: r => '<span class="downloads">' + formats.map(f =>
    `<a href="${esc(link(`/reports/${encodeURIComponent(r.name)}.${f}`))}" download>${f.toUpperCase()}</a>`).join('') + '</span>' },
], reports, 'this project has no reports')), 30000);
