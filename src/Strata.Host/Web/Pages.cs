using System.Globalization;
using System.Net;
using System.Text;
using Strata.Host.Jobs;
using Strata.Reports.Definitions;

namespace Strata.Host.Web;

/// <summary>
/// The dashboard's pages: self-contained HTML (inline CSS and SVG, no CDN). The overview refreshes itself from
/// <c>/api/overview</c> every two seconds; the runs, tests and models pages reload every five.
/// </summary>
internal static class Pages
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#111827;background:#f9fafb}
        header{background:#111827;color:#fff;padding:.8rem 1.5rem;display:flex;gap:1.5rem;align-items:center}
        header a{color:#d1d5db;text-decoration:none}main{padding:1.5rem;display:grid;gap:1rem}
        .cards{display:flex;gap:1rem;flex-wrap:wrap}.card{background:#fff;border-radius:8px;padding:1rem 1.2rem;box-shadow:0 1px 2px #0001;min-width:180px;overflow-x:auto}
        .big{font-size:2rem;font-weight:600}.muted{color:#6b7280;font-size:.85rem}
        table{border-collapse:collapse;background:#fff;font-size:.85rem}th,td{padding:.3rem .6rem;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top}
        .bad,.failed,.error,.fail{color:#dc2626}.ok,.success,.pass{color:#16a34a}.warn,.skipped{color:#b45309}
        """;

    public static string Overview => Page("Overview", """
        <div class="card" id="problems" hidden></div>
        <div class="cards">
          <div class="card"><div class="muted">Age of gold</div><div class="big" id="freshness">–</div><div class="muted">worst gold relation: how long the oldest change it lacks has waited</div></div>
          <div class="card"><div class="muted">Replication lag</div><div class="big" id="lag-bytes">–</div><div class="muted">WAL held by the slot <span id="slot-state"></span></div></div>
          <div class="card"><div class="muted">Ingestion latency</div><div class="big" id="lag-seconds">–</div><div class="muted">source commit → bronze</div></div>
          <div class="card"><div class="muted">Change → visible in gold, last hour</div><div class="big" id="visibility">–</div><div class="muted">p50 / p95 / p99 over source transactions (s)</div></div>
          <div class="card"><div class="muted">Transformation runs</div><div class="big" id="runs">–</div></div>
          <div class="card"><div class="muted">Workers</div><div id="workers">–</div></div>
        </div>
        <div class="card"><div class="muted">Age of gold, last hour (s)</div><svg id="spark" viewBox="0 0 600 80" width="600" height="80"></svg></div>
        <div class="cards">
          <div class="card"><div class="muted">Age per model (s): how long the oldest change it lacks has waited</div><table id="models"></table></div>
          <div class="card"><div class="muted">Failing tests</div><table id="tests"></table></div>
        </div>
        <div class="card"><div class="muted">Last jobs</div><table id="jobs"></table></div>
        <div class="card"><div class="muted">Last model runs</div><table id="last"></table></div>
        <script>
        const esc = s => String(s ?? '').replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
        const rows = (items, cols) => '<tr>' + cols.map(c => '<th>' + esc(c) + '</th>').join('') + '</tr>' +
          items.map(i => '<tr>' + cols.map(c => '<td class="' + (c === 'status' ? esc(i[c]) : '') + '">' + esc(i[c]) + '</td>').join('') + '</tr>').join('');
        const bytes = b => b == null ? '–' : b < 1024 ? b + ' B' : b < 1048576 ? (b / 1024).toFixed(1) + ' KiB' : (b / 1048576).toFixed(1) + ' MiB';
        async function refresh() {
          const o = await (await fetch('api/overview' + location.search)).json();
          document.getElementById('freshness').textContent = o.gold_freshness_seconds == null ? '–' : o.gold_freshness_seconds.toFixed(1) + ' s';
          document.getElementById('lag-bytes').textContent = bytes(o.slot?.lag_bytes);
          document.getElementById('lag-seconds').textContent = o.slot?.lag_seconds == null ? '–' : o.slot.lag_seconds.toFixed(2) + ' s';
          document.getElementById('slot-state').textContent = o.slot ? '(' + o.slot.state + ')' : '';
          const v = o.visibility_last_hour;
          document.getElementById('visibility').textContent = v.samples ? [v.p50, v.p95, v.p99].map(x => x.toFixed(1)).join(' / ') : '–';
          document.getElementById('runs').textContent = o.transformation_runs;
          const banner = document.getElementById('problems');
          banner.hidden = o.problems.length === 0;
          banner.className = 'card ' + (o.gold_status === 'error' || o.problems.length > 0 && o.gold_status !== 'warn' ? 'bad' : 'warn');
          banner.innerHTML = o.problems.map(p => '<div>' + esc(p) + '</div>').join('');
          document.getElementById('freshness').className = 'big ' + ({ok: 'ok', warn: 'warn', error: 'bad'}[o.gold_status] || '');
          document.getElementById('workers').innerHTML = Object.entries(o.workers).map(([k, v]) =>
            '<div><span class="' + (v.state === 'healthy' ? 'ok' : v.state === 'stopped' ? 'muted' : 'bad') + '">●</span> ' + esc(k) + ': ' + esc(v.state) + (v.detail ? ' (' + esc(v.detail) + ')' : '') + '</div>').join('');
          const pts = o.freshness_last_hour, max = Math.max(1, ...pts.map(p => p.seconds));
          document.getElementById('spark').innerHTML = '<polyline fill="none" stroke="#2563eb" stroke-width="2" points="' +
            pts.map((p, i) => (i * 600 / Math.max(1, pts.length - 1)).toFixed(1) + ',' + (78 - p.seconds / max * 74).toFixed(1)).join(' ') + '"/>';
          document.getElementById('models').innerHTML = rows(Object.entries(o.model_freshness_seconds).sort(([a], [b]) => a.localeCompare(b)).map(([model, s]) => ({model, seconds: s.toFixed(1)})), ['model', 'seconds']);
          document.getElementById('tests').innerHTML = o.failing_tests.length ? rows(o.failing_tests, ['test', 'model', 'status', 'failures', 'sample']) : '<tr><td class="ok">none</td></tr>';
          document.getElementById('jobs').innerHTML = rows(o.last_jobs.map(j => ({...j, started_at: j.started_at.replace('T', ' ').slice(0, 19)})), ['job', 'trigger', 'status', 'attempts', 'started_at', 'detail', 'error']);
          document.getElementById('last').innerHTML = rows(o.last_runs, ['model', 'status', 'rows_changed', 'duration_ms', 'error']);
        }
        refresh(); setInterval(refresh, 2000);
        </script>
        """);

    public static string Runs(IReadOnlyList<JobRun> jobs, IReadOnlyList<IReadOnlyDictionary<string, object?>> modelRuns) => Page("Runs",
        "<div class=\"card\"><div class=\"muted\">Jobs (newest first)</div>" +
        Table(jobs.Select(j => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["job"] = j.Job, ["trigger"] = j.Trigger, ["status"] = j.Status, ["attempts"] = j.Attempts,
            ["started_at"] = j.StartedAt, ["duration_ms"] = (long)j.Duration.TotalMilliseconds, ["detail"] = j.Detail, ["error"] = j.Error,
        }).ToList(), "runs") +
        "</div><div class=\"card\"><div class=\"muted\">Model runs (newest first)</div>" + Table(modelRuns, "model-runs") + "</div>", refreshSeconds: 5);

    public static string Tests(IReadOnlyList<IReadOnlyDictionary<string, object?>> latest, IReadOnlyList<IReadOnlyDictionary<string, object?>> problems) => Page("Tests",
        "<div class=\"card\"><div class=\"muted\">Each test's latest result</div>" + Table(latest, "tests") +
        "</div><div class=\"card\"><div class=\"muted\">Recent failures and warnings</div>" + Table(problems, "test-problems") + "</div>", refreshSeconds: 5);

    public static string Models(string graphSvg, IReadOnlyList<IReadOnlyDictionary<string, object?>> models) => Page("Models",
        "<div class=\"card\"><div class=\"muted\">Sources → silver → gold; colour = last run</div>" + graphSvg +
        "</div><div class=\"card\"><div class=\"muted\">Each model's last run</div>" + Table(models, "models") + "</div>", refreshSeconds: 5);

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

    public static string ReportNavigation(string report)
    {
        var name = WebUtility.UrlEncode(report);
        return "<nav style=\"font:14px system-ui,sans-serif;padding:.5rem 0\"><a href=\"/\">Overview</a> · <a href=\"/reports\">Reports</a> · " +
            $"<a href=\"/reports/{name}.csv\">CSV</a> · <a href=\"/reports/{name}.xlsx\">XLSX</a></nav>";
    }

    private static string Table(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, string id)
    {
        if (rows.Count == 0)
        {
            return $"<table id=\"{id}\"><tr><td class=\"muted\">nothing yet</td></tr></table>";
        }

        var html = new StringBuilder($"<table id=\"{id}\"><tr>");
        foreach (var column in rows[0].Keys)
        {
            html.Append("<th>").Append(WebUtility.HtmlEncode(column)).Append("</th>");
        }

        html.Append("</tr>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var (column, value) in row)
            {
                var text = value switch
                {
                    null => "",
                    DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => value.ToString() ?? "",
                };
                html.Append(column == "status" ? $"<td class=\"{WebUtility.HtmlEncode(text)}\">" : "<td>").Append(WebUtility.HtmlEncode(text)).Append("</td>");
            }

            html.Append("</tr>");
        }

        return html.Append("</table>").ToString();
    }

    private static string Page(string title, string body, int? refreshSeconds = null) =>
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Strata — {title}</title>" +
        (refreshSeconds is { } seconds ? $"<meta http-equiv=\"refresh\" content=\"{seconds}\">" : "") +
        $"<style>{Style}</style></head><body><header><strong>Strata</strong><a href=\"/\">Overview</a><a href=\"/runs\">Runs</a>" +
        $"<a href=\"/tests\">Tests</a><a href=\"/models\">Models</a><a href=\"/reports\">Reports</a></header><main>{body}</main></body></html>";
}
