// uPlot charts in the dashboard's theme: a time series (the age of gold) and category charts (a report's chart).
// uPlot is loaded as a classic script (uPlot.iife.min.js) before the page's module, so it is window.uPlot.

const uPlot = window.uPlot;

function theme() {
  const css = getComputedStyle(document.documentElement);
  const get = name => css.getPropertyValue(name).trim();
  return {
    fg: get('--fg'),
    muted: get('--muted'),
    grid: get('--grid'),
    series: [1, 2, 3, 4, 5, 6].map(i => get(`--series-${i}`)),
    font: `12px ${getComputedStyle(document.body).fontFamily}`,
    labelFont: `600 12px ${getComputedStyle(document.body).fontFamily}`,
  };
}

/** An axis in the theme's colours whose width fits its longest tick label, so nothing is clipped. */
function axis(t, extra) {
  return {
    stroke: t.muted,
    font: t.font,
    labelFont: t.labelFont,
    grid: { stroke: t.grid, width: 1 },
    ticks: { stroke: t.grid, width: 1 },
    ...extra,
  };
}

let measure;
function textWidth(text, font) {
  measure ??= document.createElement('canvas').getContext('2d');
  measure.font = font;
  return measure.measureText(text).width;
}

/** The y axis's size: its widest tick label, plus room for the rotated axis label. */
function ySize(t) {
  return (u, values) => Math.ceil(Math.max(20, ...(values ?? []).map(v => textWidth(v, t.font)))) + 34;
}

/** Keeps a chart as wide as its box. */
function follow(chart, box, height) {
  new ResizeObserver(() => chart.setSize({ width: box.clientWidth, height })).observe(box);
}

/**
 * The age of gold over time: x = time (local, with the zone in the page's tooltips), y = seconds. A sample missing
 * for longer than `gapSeconds` breaks the line rather than bridging it.
 */
export function timeChart(box, label, gapSeconds = 30) {
  const t = theme();
  const height = 240;
  const chart = new uPlot({
    width: box.clientWidth,
    height,
    legend: { show: false },
    cursor: { y: false },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(5, max * 1.15)] } },
    axes: [
      axis(t, { space: 80, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600], values: (u, splits, _, space, incr) => splits.map(s => timeOfDay(s, incr < 60)) }),
      axis(t, { label, labelSize: 20, size: ySize(t), values: (u, splits) => splits.map(v => `${formatNumber(v)} s`) }),
    ],
    series: [{}, { label, stroke: t.series[0], width: 2, fill: `${t.series[0]}22`, spanGaps: false, points: { show: false } }],
  }, [[], []], box);
  follow(chart, box, height);
  const empty = document.createElement('p');
  empty.className = 'empty';
  empty.textContent = 'no samples in the last hour yet';
  box.append(empty);
  return {
    update(points) {
      // Fewer than two samples make no line, and uPlot would draw a time axis of nothing.
      chart.root.style.display = points.length < 2 ? 'none' : '';
      empty.hidden = points.length >= 2;
      const xs = [];
      const ys = [];
      for (const p of points) {
        const at = Date.parse(p.at) / 1000;
        if (xs.length && at - xs[xs.length - 1] > gapSeconds) {
          xs.push((at + xs[xs.length - 1]) / 2);
          ys.push(null);
        }
        xs.push(at);
        ys.push(p.seconds);
      }
      chart.setData([xs, ys]);
    },
  };
}

/** Local 24-hour time of a Unix time in seconds, with seconds when the ticks are closer than a minute. */
function timeOfDay(seconds, withSeconds) {
  const pad = n => String(n).padStart(2, '0');
  const d = new Date(seconds * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}` + (withSeconds ? `:${pad(d.getSeconds())}` : '');
}

function formatNumber(v) {
  return Math.abs(v) >= 1000 ? v.toLocaleString('en-US') : String(Math.round(v * 100) / 100);
}

/**
 * A report's chart as ChartData forms it: categories along x (labels thinned to fit, never overlapping), one series
 * per name, as bars side by side or as lines.
 */
export function categoryChart(box, chart) {
  const t = theme();
  const height = 320;
  const n = chart.series.length;
  const xs = chart.categories.map((_, i) => i);
  const longest = Math.max(...chart.categories.map(c => textWidth(c, t.font)), 20);
  const bar = uPlot.paths.bars;
  const group = 0.8;
  const series = chart.series.map((s, k) => {
    const color = t.series[k % t.series.length];
    const common = { label: s.name, stroke: color, width: chart.type === 'line' ? 2 : 0 };
    return chart.type === 'line'
      ? { ...common, points: { show: true, size: 5 } }
      : {
          ...common,
          fill: color,
          paths: bar({
            size: [group / n, 80],
            disp: {
              x0: { unit: 1, values: (u, _, i0, i1) => xs.map(x => x - group / 2 + (k * group) / n) },
              size: { unit: 1, values: () => [group / n] },
            },
          }),
          points: { show: false },
        };
  });
  const plot = new uPlot({
    width: box.clientWidth,
    height,
    legend: { show: n > 1, live: false },
    cursor: { points: { show: false }, drag: { x: false, y: false } },
    scales: {
      x: { time: false, range: () => [-0.6, chart.categories.length - 0.4] },
      y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] },
    },
    axes: [
      axis(t, {
        label: chart.x_label,
        labelSize: 24,
        space: longest + 16,
        incrs: [1, 2, 3, 4, 5, 10, 20, 25, 50, 100, 200, 500, 1000],
        values: (u, splits) => splits.map(i => (Number.isInteger(i) ? chart.categories[i] ?? '' : '')),
        grid: { show: false },
      }),
      axis(t, { label: chart.y_label, labelSize: 20, size: ySize(t), values: (u, splits) => splits.map(formatNumber) }),
    ],
    series: [{}, ...series],
  }, [xs, ...chart.series.map(s => s.values)], box);
  follow(plot, box, height);
  return plot;
}
