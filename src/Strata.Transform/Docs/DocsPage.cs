using System.Globalization;
using System.Net;
using System.Text.Json;
using Strata.Transform.Graph;

namespace Strata.Transform.Docs;

/// <summary>
/// <c>index.html</c>: one self-contained page (its styles, script, the DAG as SVG and the catalog inlined; no CDN, no
/// build step) that works opened from disk and served by the dashboard. Every text from the project reaches the page
/// only through the JSON island, whose serializer escapes <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c>, and the script
/// puts it in the page as text nodes, never as markup: a description cannot inject HTML.
/// </summary>
internal static class DocsPage
{
    /// <summary>The page for <paramref name="catalog"/> with the graph of <paramref name="graph"/>.</summary>
    /// <param name="catalog">The data.</param>
    /// <param name="graph">The project's graph, drawn.</param>
    /// <param name="dashboard">Served by the dashboard: its header links back to it.</param>
    public static string Render(DocsCatalog catalog, ProjectGraph graph, bool dashboard)
    {
        var status = catalog.Nodes.Where(n => n.LastRun is not null).ToDictionary(n => n.Name, n => n.LastRun!, StringComparer.Ordinal);
        var svg = ModelGraphSvg.Render(graph, status, node => "#node/" + (node.StartsWith("source:", StringComparison.Ordinal)
            ? "source." + node["source:".Length..]
            : DocsBuilder.NodeId(graph[node])));
        var title = WebUtility.HtmlEncode(catalog.Project);
        return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            $"<title>{title} · Strata docs</title><style>{Style}</style></head><body>" +
            $"<header><a href=\"#\" class=\"brand\">Strata docs</a><span class=\"project\">{title}</span>" +
            string.Create(CultureInfo.InvariantCulture, $"<span class=\"muted\">generated {catalog.GeneratedAt:yyyy-MM-dd HH:mm} UTC</span>") +
            (dashboard ? "<a class=\"back\" href=\"/\">← dashboard</a>" : "") + "</header>" +
            "<div class=\"layout\"><nav><input id=\"search\" type=\"search\" placeholder=\"Search models, columns, descriptions…\" aria-label=\"Search\" autocomplete=\"off\">" +
            "<div id=\"tree\"></div></nav><main id=\"main\"></main></div>" +
            $"<template id=\"dag\">{svg}</template>" +
            $"<script type=\"application/json\" id=\"catalog\">{JsonSerializer.Serialize(catalog, DocsSite.Json)}</script>" +
            $"<script>{Script}</script></body></html>\n";
    }

    private const string Style = """
        :root{--bg:#fff;--fg:#1d2330;--muted:#687083;--line:#dfe3ea;--panel:#f5f7fa;--accent:#2458c6;--warn:#9a6200;--bad:#b42318;--good:#1a7f37;
          --n-success:#d6f0dc;--n-error:#f9d7d3;--n-skipped:#f6e7c1;--n-source:#dde7fa;--n-none:#eceef2;color-scheme:light dark}
        @media (prefers-color-scheme:dark){:root{--bg:#14171c;--fg:#e3e6eb;--muted:#97a0af;--line:#2c323b;--panel:#1b1f26;--accent:#7aa5ff;--warn:#e0a53a;--bad:#ff8a7a;--good:#6fcf86;
          --n-success:#1f4a2b;--n-error:#5a2623;--n-skipped:#54441b;--n-source:#233656;--n-none:#2a2f37}}
        *{box-sizing:border-box}body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
        header{display:flex;gap:14px;align-items:baseline;padding:10px 18px;border-bottom:1px solid var(--line);background:var(--panel)}
        .brand{font-weight:700;color:var(--fg);text-decoration:none}.back{margin-left:auto}.project{font-weight:600}.muted{color:var(--muted)}
        .layout{display:grid;grid-template-columns:280px 1fr;min-height:calc(100vh - 45px)}
        nav{border-right:1px solid var(--line);padding:12px;overflow:auto;max-height:calc(100vh - 45px);position:sticky;top:0}
        #search{width:100%;padding:7px 9px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);font:inherit}
        nav h3{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:16px 0 4px}
        nav a{display:block;padding:2px 6px;border-radius:4px;color:var(--fg);text-decoration:none;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
        nav a:hover{background:var(--panel)}nav a.current{background:var(--accent);color:var(--bg)}nav .hint{font-size:12px;color:var(--muted);padding-left:6px}
        main{padding:18px 26px;min-width:0}h1{font-size:22px;margin:0 0 6px}h2{font-size:16px;margin:24px 0 8px}
        a{color:var(--accent)}.badges{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0 12px}
        .badge{border:1px solid var(--line);border-radius:999px;padding:1px 9px;font-size:12px;background:var(--panel)}
        .badge.success,.badge.pass{color:var(--good)}.badge.error,.badge.fail{color:var(--bad)}.badge.warn,.badge.skipped{color:var(--warn)}
        table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
        th{font-weight:600;color:var(--muted);font-size:12px}tr.target{background:var(--n-source)}td.name{font-weight:600;white-space:nowrap}
        code,pre{font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
        pre{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow:auto;max-height:480px}
        .desc p{margin:0 0 8px}.unknown{color:var(--warn)}.refs a{display:inline-block;margin-right:8px}
        .cards{display:flex;gap:12px;flex-wrap:wrap;margin:10px 0}.card{border:1px solid var(--line);border-radius:8px;padding:8px 14px;background:var(--panel)}
        .card b{display:block;font-size:20px}.dag{overflow:auto;border:1px solid var(--line);border-radius:8px;padding:6px;background:var(--panel)}
        svg.graph text{font:12px system-ui,sans-serif;fill:var(--fg)}svg.graph .edge{fill:none;stroke:var(--muted);stroke-width:1.2}
        svg.graph .arrowhead{fill:var(--muted)}svg.graph rect{stroke:var(--line)}svg.graph a:hover rect{stroke:var(--accent);stroke-width:2}
        .n-success{fill:var(--n-success)}.n-error{fill:var(--n-error)}.n-skipped{fill:var(--n-skipped)}.n-source{fill:var(--n-source)}.n-none{fill:var(--n-none)}
        details summary{cursor:pointer;color:var(--muted)}
        """;

    private const string Script = """
        (() => {
          const catalog = JSON.parse(document.getElementById('catalog').textContent);
          const items = new Map();
          catalog.nodes.forEach(n => items.set(n.id, n));
          catalog.sources.forEach(s => items.set(s.id, Object.assign({resource_type: 'source'}, s)));
          const downstream = new Map();
          catalog.lineage_edges.forEach(e => {
            const key = e.from_node + '\u0000' + e.from_column.toLowerCase();
            if (!downstream.has(key)) downstream.set(key, []);
            downstream.get(key).push(e);
          });
          const testsOn = id => catalog.tests.filter(t => t.on.includes(id));
          const main = document.getElementById('main');
          const tree = document.getElementById('tree');
          const search = document.getElementById('search');

          // Every text goes in as a text node: nothing from the project is ever parsed as markup.
          function el(tag, attrs, ...children) {
            const e = document.createElement(tag);
            Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== null && v !== undefined) e.setAttribute(k, v); });
            children.flat().forEach(c => e.append(c instanceof Node ? c : document.createTextNode(c === null || c === undefined ? '' : String(c))));
            return e;
          }
          const label = id => { const item = items.get(id); return item ? (item.resource_type === 'source' ? item.source + '.' + item.name : item.name) : id; };
          const link = (id, column) => items.has(id)
            ? el('a', {href: '#node/' + encodeURIComponent(id) + (column ? '/' + encodeURIComponent(column) : '')}, label(id) + (column ? '.' + column : ''))
            : el('code', {}, id + (column ? '.' + column : ''));
          function paragraphs(text) {
            if (!text) return el('p', {class: 'muted'}, 'No description.');
            return el('div', {class: 'desc'}, text.split(/\n\s*\n/).map(p => el('p', {}, p.trim())));
          }
          const badge = (text, cls) => el('span', {class: 'badge ' + (cls || '')}, text);

          function sidebar() {
            const q = search.value.trim().toLowerCase();
            const matches = item => !q || [item.name, item.description, item.relation, ...(item.tags || []), ...item.columns.flatMap(c => [c.name, c.description])]
              .some(v => v && v.toLowerCase().includes(q));
            const columnHit = item => q && item.columns.find(c => c.name.toLowerCase().includes(q) || (c.description || '').toLowerCase().includes(q));
            tree.replaceChildren();
            const groups = [['Models', 'model'], ['Snapshots', 'snapshot'], ['Seeds', 'seed'], ['Sources', 'source']];
            let shown = 0;
            for (const [title, type] of groups) {
              const list = [...items.values()].filter(i => i.resource_type === type && matches(i)).sort((a, b) => label(a.id).localeCompare(label(b.id)));
              if (!list.length) continue;
              tree.append(el('h3', {}, title + ' (' + list.length + ')'));
              for (const item of list) {
                tree.append(el('a', {href: '#node/' + encodeURIComponent(item.id), 'data-id': item.id, title: item.relation}, label(item.id)));
                const hit = columnHit(item);
                if (hit) tree.append(el('div', {class: 'hint'}, 'column ' + hit.name));
                shown++;
              }
            }
            if (!shown) tree.append(el('p', {class: 'muted'}, 'Nothing matches.'));
            highlight();
          }
          function highlight() {
            const id = decodeURIComponent((location.hash.match(/^#node\/([^/]+)/) || [])[1] || '');
            tree.querySelectorAll('a').forEach(a => a.classList.toggle('current', a.dataset.id === id));
          }

          function overview() {
            const count = type => catalog.nodes.filter(n => n.resource_type === type).length;
            const unknown = catalog.nodes.filter(n => n.lineage === 'unknown');
            main.replaceChildren(
              el('h1', {}, catalog.project),
              el('div', {class: 'cards'},
                [['models', count('model')], ['snapshots', count('snapshot')], ['seeds', count('seed')], ['sources', catalog.sources.length],
                 ['tests', catalog.tests.length], ['lineage edges', catalog.lineage_edges.length]]
                  .map(([k, v]) => el('div', {class: 'card'}, el('b', {}, v), k))),
              el('h2', {}, 'Graph'),
              el('div', {class: 'dag'}, document.getElementById('dag').content.cloneNode(true)));
            if (unknown.length) {
              main.append(el('h2', {}, 'Models whose column lineage is unknown'),
                el('table', {}, el('tr', {}, el('th', {}, 'model'), el('th', {}, 'why')),
                  unknown.map(n => el('tr', {}, el('td', {class: 'name'}, link(n.id)), el('td', {class: 'unknown'}, n.lineage_unknown)))));
            }
            if (catalog.doc_blocks.length) {
              main.append(el('h2', {}, 'Docs blocks'));
              catalog.doc_blocks.forEach(b => main.append(el('h3', {}, b.name, ' ', el('span', {class: 'muted'}, b.path)), paragraphs(b.text)));
            }
          }

          function columnsTable(item) {
            const tests = testsOn(item.id);
            const rows = item.columns.map(c => {
              const from = c.upstream.map(u => link(u.node, u.column));
              const to = (downstream.get(item.id + '\u0000' + c.name.toLowerCase()) || []).map(e => link(e.to_node, e.to_column));
              const origin = el('td', {class: 'refs'}, from);
              if (c.lineage_unknown) origin.append(el('div', {class: 'unknown'}, (from.length ? 'partly unknown: ' : 'unknown: ') + c.lineage_unknown));
              else if (!from.length && item.lineage === 'computed') origin.append(el('span', {class: 'muted'}, 'no upstream column (count(*), a constant)'));
              const checks = tests.filter(t => t.column && t.column.toLowerCase() === c.name.toLowerCase())
                .map(t => badge(t.kind + (t.last_status ? ': ' + t.last_status : ''), t.last_status));
              return el('tr', {id: 'col-' + c.name.toLowerCase()},
                el('td', {class: 'name'}, c.name), el('td', {}, el('code', {}, c.data_type || '')),
                el('td', {}, c.description || ''), origin, el('td', {class: 'refs'}, to), el('td', {}, checks));
            });
            return el('table', {}, el('tr', {}, ['column', 'type', 'description', 'comes from', 'used by', 'tests'].map(h => el('th', {}, h))), rows);
          }

          function page(id, column) {
            const item = items.get(id);
            if (!item) { main.replaceChildren(el('h1', {}, 'Not found'), el('p', {}, id)); return; }
            const isSource = item.resource_type === 'source';
            const badges = [badge(item.resource_type), badge(item.relation)];
            if (!isSource) badges.push(badge(item.materialized), badge(item.path));
            else badges.push(badge(item.path));
            (item.tags || []).forEach(t => badges.push(badge('tag: ' + t)));
            if (item.last_run) badges.push(badge('last run: ' + item.last_run, item.last_run));
            main.replaceChildren(el('h1', {}, label(id)), el('div', {class: 'badges'}, badges), paragraphs(item.description));
            if (isSource) {
              const seconds = s => s === null || s === undefined ? 'none' : s >= 3600 ? (s / 3600) + ' h' : s >= 60 ? (s / 60) + ' min' : s + ' s';
              main.append(el('h2', {}, 'Freshness'), el('table', {},
                el('tr', {}, el('th', {}, 'loaded_at_field'), el('th', {}, 'warn after'), el('th', {}, 'error after'), el('th', {}, 'changelog')),
                el('tr', {}, el('td', {}, el('code', {}, item.loaded_at_field || 'none')), el('td', {}, seconds(item.warn_after_seconds)),
                  el('td', {}, seconds(item.error_after_seconds)), el('td', {}, item.is_changelog ? 'yes' : 'no'))));
            }
            main.append(el('h2', {}, 'Columns'));
            if (item.lineage === 'unknown') main.append(el('p', {class: 'unknown'}, 'Column lineage unknown: ' + item.lineage_unknown));
            main.append(item.columns.length ? columnsTable(item) : el('p', {class: 'muted'}, 'No columns known: build it, or document them in its yml.'));
            if (!isSource) main.append(el('h2', {}, 'Depends on'), el('p', {class: 'refs'}, item.depends_on.length ? item.depends_on.map(d => link(d)) : 'nothing'));
            main.append(el('h2', {}, 'Referenced by'), el('p', {class: 'refs'}, item.referenced_by.length ? item.referenced_by.map(d => link(d)) : 'nothing'));
            const tests = testsOn(id);
            if (tests.length) {
              main.append(el('h2', {}, 'Tests'), el('table', {},
                el('tr', {}, ['test', 'kind', 'column', 'severity', 'last result'].map(h => el('th', {}, h))),
                tests.map(t => el('tr', {}, el('td', {class: 'name'}, t.name), el('td', {}, t.kind), el('td', {}, t.column || ''), el('td', {}, t.severity),
                  el('td', {}, t.last_status ? badge(t.last_status, t.last_status) : el('span', {class: 'muted'}, 'not run'))))));
            }
            if (item.compiled_sql) main.append(el('h2', {}, 'Compiled SQL'), el('pre', {}, item.compiled_sql));
            if (item.raw_sql) main.append(el('details', {}, el('summary', {}, 'Template (' + item.path + ')'), el('pre', {}, item.raw_sql)));
            if (column) {
              const row = document.getElementById('col-' + column.toLowerCase());
              if (row) { row.classList.add('target'); row.scrollIntoView({block: 'center'}); }
            } else {
              window.scrollTo(0, 0);
            }
          }

          function route() {
            const m = location.hash.match(/^#node\/([^/]+)(?:\/(.+))?$/);
            if (m) page(decodeURIComponent(m[1]), m[2] ? decodeURIComponent(m[2]) : null); else overview();
            highlight();
          }
          search.addEventListener('input', sidebar);
          window.addEventListener('hashchange', route);
          sidebar();
          route();
        })();
        """;
}
