/**
 * The dashboard's panels besides the charts' canvases: the anomaly table and the explanation
 * of the chosen anomaly (each measure's attribution, strongest first, as text and a hatched
 * bar), the forecast chart's data and its error per horizon, and the stream-health tables.
 */
import { forecastChart, lineName, ratesChart } from './charts.js';

const $ = (id) => document.getElementById(id);
const fmt = (v, digits = 2) => (typeof v === 'number' ? v.toFixed(digits) : '–');
const seconds = (isoText) => Date.parse(isoText) / 1000;

/** Fills the anomaly table and explains the latest anomaly. */
export function anomalyTable(anomalies) {
  const body = $('anomaly-table').querySelector('tbody');
  body.replaceChildren(
    ...anomalies
      .slice()
      .reverse()
      .map((a, i) => {
        const tr = document.createElement('tr');
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = `▲ ${a.time.slice(0, 16).replace('T', ' ')}`;
        button.setAttribute('aria-label', `Explain the anomaly of ${a.time}`);
        button.addEventListener('click', () => explain(a));
        const cells = [a.kind ?? '–', fmt(a.grade), fmt(a.score), a.strongestMeasure ?? '–'];
        tr.append(document.createElement('td'));
        tr.firstChild.append(button);
        for (const c of cells)
          tr.append(Object.assign(document.createElement('td'), { textContent: c }));
        if (i === 0) tr.dataset.latest = 'true';
        return tr;
      }),
  );
  const latest = anomalies.at(-1);
  if (latest) explain(latest);
  else {
    $('explanation-summary').textContent = 'No anomaly in this range.';
    $('explanation-bars').replaceChildren();
  }
}

/** Shows the explanation of one anomaly. */
export function explain(a) {
  // per measure, strongest first, as the API aggregates it
  const columns = a.explanation ? JSON.parse(a.explanation) : [];
  const total = columns.reduce((n, c) => n + c.attribution, 0) || 1;
  $('explanation-summary').textContent = a.strongestMeasure
    ? `${a.time.slice(0, 16).replace('T', ' ')} UTC, grade ${fmt(a.grade)}: strongest measure ${a.strongestMeasure} (${a.direction === 'HIGH' ? 'higher' : 'lower'} than usual).`
    : `${a.time.slice(0, 16)} UTC, grade ${fmt(a.grade)}: no explanation (scored remotely).`;
  $('explanation-bars').replaceChildren(
    ...columns.map((c) => {
      const li = document.createElement('li');
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${Math.round((100 * c.attribution) / total)}%`;
      li.append(
        `${c.measure} ${c.direction === 'HIGH' ? '↑ high' : '↓ low'} — ${fmt(c.attribution)} `,
        bar,
      );
      return li;
    }),
  );
}

/** `moving-average-15 (72 %)`: the model and its share of the mix (older rows: the model alone). */
const modelText = ({ model, weight }) =>
  !model ? '–' : typeof weight === 'number' ? `${model} (${Math.round(100 * weight)} %)` : model;

/** Draws forecasts against actuals and fills the error table. */
export function forecasts(key, readings, predictions) {
  const byHorizon = new Map();
  for (const p of predictions) {
    const [measure, minutes] = p.measure.split('~');
    if (!byHorizon.has(minutes))
      byHorizon.set(minutes, { measure, minutes: Number(minutes), points: new Map(), model: '' });
    const h = byHorizon.get(minutes);
    h.points.set(seconds(p.time), p.value);
    // which forecaster made the newest prediction (the selection can change per horizon)
    if (p.model && seconds(p.time) >= (h.modelAt ?? -Infinity))
      Object.assign(h, { model: p.model, weight: p.weight, modelAt: seconds(p.time) });
  }
  const horizons = [...byHorizon.values()].sort((a, b) => a.minutes - b.minutes);
  const measure = horizons[0]?.measure ?? 'iaq';
  const actualAt = new Map(readings.map((r) => [seconds(r.time), r[measure]]));
  const times = [
    ...new Set([...actualAt.keys(), ...horizons.flatMap((h) => [...h.points.keys()])]),
  ].sort((a, b) => a - b);
  forecastChart($('forecast-chart'), {
    key,
    measure,
    times,
    actual: times.map((t) => actualAt.get(t) ?? null),
    horizons: horizons.map((h) => ({
      minutes: h.minutes,
      values: times.map((t) => h.points.get(t) ?? null),
    })),
  });
  $('forecast-errors')
    .querySelector('tbody')
    .replaceChildren(
      ...horizons.map((h, i) => {
        const errors = [...h.points]
          .filter(([t]) => typeof actualAt.get(t) === 'number')
          .map(([t, v]) => v - actualAt.get(t));
        const mae = errors.length
          ? errors.reduce((n, e) => n + Math.abs(e), 0) / errors.length
          : null;
        const tr = document.createElement('tr');
        for (const text of [
          `${h.minutes} min`,
          lineName(i),
          String(errors.length),
          fmt(mae),
          fmt(errors.at(-1)),
          modelText(h),
        ])
          tr.append(Object.assign(document.createElement('td'), { textContent: text }));
        return tr;
      }),
    );
}

const rates = { times: [], ins: [], outs: [] };

/** Shows one health event. */
export function renderHealth(h) {
  rates.times.push(Date.parse(h.at) / 1000);
  rates.ins.push(h.recordsInPerSecond);
  rates.outs.push(h.recordsOutPerSecond);
  for (const list of Object.values(rates)) if (list.length > 300) list.shift();
  ratesChart($('rate-chart'), rates);
  const rate = (v) => (v === null ? 'n/a' : v.toFixed(1));
  $('rate-in').textContent = rate(h.recordsInPerSecond);
  $('rate-out').textContent = rate(h.recordsOutPerSecond);
  $('workers-up').textContent = `${h.workersUp} of ${h.workers}`;
  $('health-at').textContent = h.at.slice(11, 19);
  const row = (cells) => {
    const tr = document.createElement('tr');
    for (const c of cells)
      tr.append(Object.assign(document.createElement('td'), { textContent: c }));
    return tr;
  };
  $('shard-table')
    .querySelector('tbody')
    .replaceChildren(
      ...h.shards.map((s) =>
        row([
          s.shardId,
          s.owner ?? '(none)',
          s.millisBehindLatest === null ? 'unknown' : String(s.millisBehindLatest),
          s.checkpoint && s.checkpoint.length > 14
            ? `…${s.checkpoint.slice(-12)}`
            : (s.checkpoint ?? '–'),
        ]),
      ),
    );
  $('dead-letter-table')
    .querySelector('tbody')
    .replaceChildren(
      ...(h.deadLetters.length
        ? h.deadLetters.map((d) => row([d.reason, String(d.count)]))
        : [row(['none', '0'])]),
    );
}
