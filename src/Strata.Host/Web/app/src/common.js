// What every page shares: the header, the token on fetches and links, polling with a visible disconnected
// state, relative times with the absolute time in a tooltip, and small formatting and table helpers.

const token = new URLSearchParams(location.search).get('token');

/** A path on this host with the page's ?token= carried along (the dashboard may be opened with it). */
export function link(path, params) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value != null && value !== '') url.searchParams.set(key, value);
  }
  if (token) url.searchParams.set('token', token);
  return url.pathname + url.search;
}

/** An answer other than 2xx: the host is there but refused or failed. */
export class HttpError extends Error {
  constructor(status, text) {
    super(text || `the host answered ${status}`);
    this.status = status;
  }
}

/** GETs JSON; a network failure (the host is gone) rejects with a TypeError, an HTTP error with HttpError. */
export async function api(path, params) {
  const response = await fetch(link(path, params), { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new HttpError(response.status, (await response.text()).trim());
  return response.json();
}

const pages = [
  ['overview', '/', 'Overview'],
  ['runs', '/runs', 'Runs'],
  ['tests', '/tests', 'Tests'],
  ['models', '/models', 'Models'],
  ['reports', '/reports', 'Reports'],
  ['docs', '/docs', 'Docs'],
];

let lastUpdate = null;
let connected = true;

/** Draws the header (one for every page) and the disconnected banner's place under it. */
export function header(current) {
  const top = document.createElement('header');
  top.className = 'top';
  top.innerHTML = `<a class="brand" href="${esc(link('/'))}">Strata</a><nav aria-label="pages">` +
    pages.map(([key, path, label]) => `<a href="${esc(link(path))}"${key === current ? ' aria-current="page"' : ''}>${label}</a>`).join('') +
    '</nav><span class="conn-state" id="conn-state"></span>';
  const banner = document.createElement('div');
  banner.id = 'disconnected';
  banner.className = 'disconnected';
  banner.setAttribute('role', 'alert');
  banner.hidden = true;
  document.body.prepend(top, banner);
  setInterval(tick, 1000);
}

function tick() {
  for (const element of document.querySelectorAll('time[data-rel]')) element.textContent = ago(element.dateTime);
  const state = document.getElementById('conn-state');
  const since = lastUpdate == null ? null : Math.round((Date.now() - lastUpdate) / 1000);
  if (state) state.textContent = lastUpdate == null ? '' : connected ? `live · updated ${since} s ago` : 'disconnected';
  const banner = document.getElementById('disconnected');
  if (banner && !connected) {
    banner.textContent = lastUpdate == null
      ? 'Disconnected — the host does not answer; retrying'
      : `Disconnected — last updated ${duration(since)} ago; the numbers below are stale. Retrying…`;
  }
}

function setConnected(value) {
  connected = value;
  document.body.classList.toggle('stale', !value);
  document.getElementById('disconnected').hidden = value;
  tick();
}

/**
 * Calls load() now and every `everyMs`, passing what it returns to render(). When the host does not answer the page
 * says so and keeps the last numbers, greyed; an HTTP error goes to onError (or the console) without that state.
 */
export function poll(load, render, everyMs, onError) {
  async function once() {
    try {
      const data = await load();
      lastUpdate = Date.now();
      setConnected(true);
      render(data);
    } catch (error) {
      if (error instanceof HttpError) {
        lastUpdate = Date.now();
        setConnected(true);
        (onError ?? console.error)(error);
      } else {
        setConnected(false);
      }
    } finally {
      setTimeout(once, everyMs);
    }
  }
  once();
}

export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Seconds as people say them: 4.2 s, 3 min 4 s, 2 h 5 min. */
export function duration(seconds) {
  if (seconds == null || Number.isNaN(seconds)) return '–';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86400)} d ${Math.round((seconds % 86400) / 3600)} h`;
}

export function ms(milliseconds) {
  return milliseconds == null ? '–' : milliseconds < 1000 ? `${milliseconds} ms` : duration(milliseconds / 1000);
}

export function bytes(value) {
  if (value == null) return '–';
  if (value < 1024) return `${value} B`;
  if (value < 1048576) return `${(value / 1024).toFixed(1)} KiB`;
  if (value < 1073741824) return `${(value / 1048576).toFixed(1)} MiB`;
  return `${(value / 1073741824).toFixed(2)} GiB`;
}

function ago(iso) {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  return seconds < 1 ? 'just now' : `${duration(seconds).replace(/\.\d s$/, ' s')} ago`;
}

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The local date and time with its offset and zone: what a tooltip on a relative time says. */
export function absolute(iso) {
  const date = new Date(iso);
  const pad = n => String(n).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ` +
    `UTC${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)} (${zone})`;
}

/** The local time of day, as in "failing since 08:49:45". */
export function clock(iso) {
  return new Date(iso).toLocaleTimeString('en-GB', { hour12: false });
}

/** A relative time ("12 s ago") that keeps itself current, with the absolute time in its tooltip. */
export function when(iso) {
  return iso ? `<time data-rel datetime="${esc(iso)}" title="${esc(absolute(iso))}">${esc(ago(iso))}</time>` : '–';
}

export function status(value) {
  return value == null ? '–' : `<span class="status ${esc(String(value).split(/[:\s]/)[0])}">${esc(value)}</span>`;
}

/**
 * A table in its own scrolling box. columns: [{ label, cell(row) → HTML, cls }]; rows: the data; empty: what to say
 * when there are none.
 */
export function table(columns, rows, empty = 'nothing yet', id = '') {
  if (!rows.length) return `<p class="empty"${id ? ` id="${id}"` : ''}>${esc(empty)}</p>`;
  return `<div class="scroll"><table${id ? ` id="${id}"` : ''}><thead><tr>` +
    columns.map(c => `<th class="${c.cls ?? ''}">${esc(c.label)}</th>`).join('') + '</tr></thead><tbody>' +
    rows.map(r => '<tr>' + columns.map(c => `<td class="${c.cls ?? ''}">${c.cell(r)}</td>`).join('') + '</tr>').join('') +
    '</tbody></table></div>';
}

/** Sets an element's HTML by id. */
export function fill(id, html) {
  document.getElementById(id).innerHTML = html;
}

/** Adds the page's token to the links inside an element (HTML the host drew, such as the model graph). */
export function carryToken(element) {
  if (!token) return;
  for (const anchor of element.querySelectorAll('a[href^="/"]')) anchor.setAttribute('href', link(anchor.getAttribute('href')));
}

/** A .NET TimeSpan as JSON writes it ("00:00:01.2345678", "1.02:00:00"), in seconds. */
export function timespan(text) {
  const match = /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(text ?? '');
  return match ? (+(match[1] ?? 0)) * 86400 + (+match[2]) * 3600 + (+match[3]) * 60 + (+match[4]) : null;
}

/** GETs JSON that an older host may not serve yet: null on 404. */
export async function optional(path) {
  try {
    return await api(path);
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return null;
    throw error;
  }
}
