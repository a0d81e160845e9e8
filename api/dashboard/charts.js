/**
 * The dashboard's two charts, drawn with uPlot (canvas, ~50 KB, no dependencies): readings
 * with the anomaly grades overlaid, and forecasts against actuals. Colour is never the only
 * signal: anomalies are triangles with their grade written next to them, forecast horizons
 * have their own dash pattern and name, and every chart has a text caption. Each figure
 * keeps one uPlot instance, rebuilt only when its series change (otherwise `setData`).
 */
import uPlot from '/vendor/uPlot.esm.js';

const instances = new WeakMap();
const DASHES = [[], [8, 4], [2, 4], [12, 4, 2, 4], [4, 2]];
const COLOURS = ['#1f5fa8', '#b35806', '#1b7837', '#762a83', '#4d4d4d'];

const widthOf = (figure) => Math.max(320, Math.floor(figure.getBoundingClientRect().width) - 4);

/** Draws `data` into `figure`, reusing its chart when the series are the same. */
function draw(figure, signature, options, data) {
  const existing = instances.get(figure);
  if (existing && existing.signature === signature) {
    existing.plot.setData(data);
    return existing.plot;
  }
  existing?.plot.destroy();
  const plot = new uPlot(
    {
      width: widthOf(figure),
      height: 260,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
      ...options,
    },
    data,
    figure,
  );
  instances.set(figure, { signature, plot });
  return plot;
}

/** A plugin drawing ▲ and the grade above each anomalous point of series 1. */
function anomalyMarkers(marks) {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx } = u;
          const ratio = window.devicePixelRatio || 1;
          const size = 7 * ratio;
          ctx.save();
          ctx.font = `${11 * ratio}px system-ui, sans-serif`;
          ctx.textAlign = 'center';
          for (const m of marks()) {
            const x = u.valToPos(m.t, 'x', true);
            const y = u.valToPos(m.v, 'y', true);
            if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
            const top = y - 3 * ratio;
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x - size, top - 1.6 * size);
            ctx.lineTo(x + size, top - 1.6 * size);
            ctx.closePath();
            ctx.fillStyle = '#c2185b';
            ctx.strokeStyle = '#000';
            ctx.lineWidth = ratio;
            ctx.fill();
            ctx.stroke();
            ctx.fillStyle = '#000';
            ctx.fillText(`A ${m.grade.toFixed(2)}`, x, top - 1.9 * size);
          }
          ctx.restore();
        },
      ],
    },
  };
}

/**
 * Readings of one measure (line) with anomaly grades (right axis, square points) and ▲
 * markers on the line.
 * @param {HTMLElement} figure
 * @param {{ key: string, measure: string, times: number[], values: (number|null)[],
 *   anomalies: { t: number, grade: number }[] }} input  times in unix seconds
 */
export function readingsChart(figure, input) {
  const { key, measure, times, values, anomalies } = input;
  const byTime = new Map(anomalies.map((a) => [a.t, a.grade]));
  const grades = times.map((t) => (byTime.has(t) ? byTime.get(t) : null));
  const marks = () =>
    anomalies
      .map((a) => ({ ...a, v: values[times.indexOf(a.t)] }))
      .filter((m) => typeof m.v === 'number');
  draw(
    figure,
    `readings:${measure}`,
    {
      title: `${measure} — ${key}`,
      scales: { x: { time: true }, grade: { range: [0, 1.15] } },
      axes: [
        {},
        { label: measure },
        { side: 1, scale: 'grade', label: 'anomaly grade', grid: { show: false } },
      ],
      series: [
        { label: 'time (UTC)' },
        { label: measure, stroke: COLOURS[0], width: 2, spanGaps: false },
        {
          label: 'anomaly grade (■, right axis)',
          scale: 'grade',
          stroke: '#c2185b',
          paths: () => null,
          points: { show: true, size: 9, fill: '#c2185b', stroke: '#000' },
        },
      ],
      plugins: [anomalyMarkers(marks)],
    },
    [times, values, grades],
  );
  const points = values.filter((v) => typeof v === 'number').length;
  figure.dataset.points = String(points);
  figure.dataset.anomalies = String(marks().length);
  figure.querySelector('figcaption').textContent =
    `${measure} of ${key}: ${points} one-minute readings, ${anomalies.length} anomaly event(s) marked ▲ at their peak with their grade.`;
}

/**
 * Actual values (solid) and one forecast line per horizon (each with its own dash).
 * @param {HTMLElement} figure
 * @param {{ key: string, measure: string, times: number[], actual: (number|null)[],
 *   horizons: { minutes: number, values: (number|null)[] }[] }} input
 */
export function forecastChart(figure, input) {
  const { key, measure, times, actual, horizons } = input;
  draw(
    figure,
    `forecast:${measure}:${horizons.map((h) => h.minutes).join(',')}`,
    {
      title: `${measure} forecasts — ${key}`,
      scales: { x: { time: true } },
      axes: [{}, { label: measure }],
      series: [
        { label: 'time (UTC)' },
        { label: 'actual (solid)', stroke: COLOURS[0], width: 2 },
        ...horizons.map((h, i) => ({
          label: `${h.minutes} min ahead (${['dashed', 'dotted', 'dash-dot', 'short dash'][i % 4]})`,
          stroke: COLOURS[(i + 1) % COLOURS.length],
          dash: DASHES[(i + 1) % DASHES.length],
          width: 2,
          spanGaps: true,
        })),
      ],
    },
    [times, actual, ...horizons.map((h) => h.values)],
  );
  const forecastPoints = horizons.reduce(
    (n, h) => n + h.values.filter((v) => typeof v === 'number').length,
    0,
  );
  figure.dataset.forecastPoints = String(forecastPoints);
  figure.dataset.actualPoints = String(actual.filter((v) => typeof v === 'number').length);
  figure.querySelector('figcaption').textContent =
    `${measure} of ${key}: actual values and forecasts ${horizons.map((h) => `${h.minutes}`).join(', ')} minutes ahead (${forecastPoints} forecast points).`;
}

/**
 * Records/s in (solid) and out (dashed) over the last health events.
 * @param {HTMLElement} figure
 * @param {{ times: number[], ins: (number|null)[], outs: (number|null)[] }} input
 */
export function ratesChart(figure, input) {
  const { times, ins, outs } = input;
  draw(
    figure,
    'rates',
    {
      height: 160,
      scales: {
        // at least a minute wide, so the first points do not stretch the axis over years
        x: { time: true, range: (u, min, max) => [Math.min(min, max - 60), max] },
        y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] },
      },
      axes: [{}, { label: 'records/s' }],
      series: [
        { label: 'time (UTC)' },
        { label: 'in (solid)', stroke: COLOURS[0], width: 2 },
        { label: 'out (dashed)', stroke: COLOURS[1], width: 2, dash: DASHES[1] },
      ],
    },
    [times, ins, outs],
  );
  figure.dataset.points = String(times.length);
  figure.querySelector('figcaption').textContent =
    `Records per second in and out, the last ${times.length} live update(s).`;
}

/** The dash pattern name of horizon `i` (for the error table). */
export const lineName = (i) => ['dashed', 'dotted', 'dash-dot', 'short dash'][i % 4];

/**
 * The household's rest-of-the-month forecast: hourly means (solid, stepped), from the
 * latest daily refresh, with a text caption of the energy it adds up to.
 * @param {HTMLElement} figure
 * @param {{ key: string, times: number[], values: number[], origin: string | null }} input
 */
export function monthChart(figure, input) {
  const { key, times, values, origin } = input;
  draw(
    figure,
    'month',
    {
      title: `Rest of the month — ${key}`,
      scales: { x: { time: true } },
      axes: [{}, { label: 'kW (hourly mean)' }],
      series: [
        { label: 'time (UTC)' },
        {
          label: 'forecast (solid)',
          stroke: COLOURS[2],
          width: 2,
          paths: uPlot.paths.stepped({ align: 1 }),
        },
      ],
    },
    [times, values],
  );
  const kwh = values.reduce((s, v) => s + v, 0);
  figure.dataset.points = String(times.length);
  figure.querySelector('figcaption').textContent = times.length
    ? `globalActivePower of ${key}, hour by hour to the end of the month: ${times.length} hours, ${kwh.toFixed(1)} kWh in all (refreshed ${origin ?? '?'}).`
    : `No monthly forecast for ${key} yet (the first comes at the start of a day with a day of history).`;
}
