using System.Net;
using System.Text;
using Strata.Reports.Definitions;

namespace Strata.Host.Web;

/// <summary>The dashboard's pages: self-contained HTML, the overview refreshing itself from <c>/api/overview</c>.</summary>
internal static class Pages
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#111827;background:#f9fafb}
        header{background:#111827;color:#fff;padding:.8rem 1.5rem;display:flex;gap:1.5rem;align-items:center}
        header a{color:#d1d5db;text-decoration:none}main{padding:1.5rem;display:grid;gap:1rem}
        .cards{display:flex;gap:1rem;flex-wrap:wrap}.card{background:#fff;border-radius:8px;padding:1rem 1.2rem;box-shadow:0 1px 2px #0001;min-width:180px}
        .big{font-size:2rem;font-weight:600}.muted{color:#6b7280;font-size:.85rem}
        table{border-collapse:collapse;background:#fff;font-size:.85rem}th,td{padding:.3rem .6rem;border-bottom:1px solid #e5e7eb;text-align:left}
        .bad{color:#dc2626}.ok{color:#16a34a}
        """;

    public static string Overview => Page("Overview", """
        <div class="cards">
          <div class="card"><div class="muted">Gold freshness</div><div class="big" id="freshness">–</div><div class="muted">behind the source</div></div>
          <div class="card"><div class="muted">Transformation runs</div><div class="big" id="runs">–</div></div>
          <div class="card"><div class="muted">Workers</div><div id="workers">–</div></div>
        </div>
        <div class="card"><div class="muted">Freshness, last hour (s)</div><svg id="spark" viewBox="0 0 600 80" width="600" height="80"></svg></div>
        <div class="card"><div class="muted">Freshness per model (s)</div><table id="models"></table></div>
        <div class="card"><div class="muted">Failing tests</div><table id="tests"></table></div>
        <div class="card"><div class="muted">Last model runs</div><table id="last"></table></div>
        <script>
        const esc = s => String(s ?? '').replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
        const rows = (items, cols) => '<tr>' + cols.map(c => '<th>' + esc(c) + '</th>').join('') + '</tr>' +
          items.map(i => '<tr>' + cols.map(c => '<td>' + esc(i[c]) + '</td>').join('') + '</tr>').join('');
        async function refresh() {
          const o = await (await fetch('api/overview' + location.search)).json();
          document.getElementById('freshness').textContent = o.gold_freshness_seconds == null ? '–' : o.gold_freshness_seconds.toFixed(1) + ' s';
          document.getElementById('runs').textContent = o.transformation_runs;
          document.getElementById('workers').innerHTML = Object.entries(o.workers).map(([k, v]) =>
            '<div><span class="' + (v === 'running' ? 'ok' : 'bad') + '">●</span> ' + esc(k) + ': ' + esc(v) + '</div>').join('');
          const pts = o.freshness_last_hour, max = Math.max(1, ...pts.map(p => p.seconds));
          document.getElementById('spark').innerHTML = '<polyline fill="none" stroke="#2563eb" stroke-width="2" points="' +
            pts.map((p, i) => (i * 600 / Math.max(1, pts.length - 1)).toFixed(1) + ',' + (78 - p.seconds / max * 74).toFixed(1)).join(' ') + '"/>';
          document.getElementById('models').innerHTML = rows(Object.entries(o.model_freshness_seconds).map(([model, s]) => ({model, seconds: s.toFixed(1)})), ['model', 'seconds']);
          document.getElementById('tests').innerHTML = o.failing_tests.length ? rows(o.failing_tests, ['test', 'model', 'status', 'failures', 'sample']) : '<tr><td class="ok">none</td></tr>';
          document.getElementById('last').innerHTML = rows(o.last_runs, ['model', 'status', 'rows_changed', 'duration_ms', 'error']);
        }
        refresh(); setInterval(refresh, 2000);
        </script>
        """);

    public static string ReportList(IReadOnlyList<Report> reports)
    {
        var items = new StringBuilder("<div class=\"card\"><table><tr><th>report</th><th>downloads</th></tr>");
        foreach (var report in reports)
        {
            var name = WebUtility.UrlEncode(report.Name);
            items.Append($"<tr><td><a href=\"reports/{name}\">{WebUtility.HtmlEncode(report.Title)}</a></td>")
                .Append($"<td><a href=\"reports/{name}.csv\">CSV</a> · <a href=\"reports/{name}.xlsx\">XLSX</a></td></tr>");
        }

        return Page("Reports", items.Append("</table></div>").ToString());
    }

    private static string Page(string title, string body) =>
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Strata — {title}</title><style>{Style}</style></head>" +
        $"<body><header><strong>Strata</strong><a href=\"/\">Overview</a><a href=\"/reports\">Reports</a></header><main>{body}</main></body></html>";
}
