/**
 * The dashboard: picks a key and a time range, reads the query API (the same routes any
 * client uses, with the x-api-key header), draws the charts, and follows the live event
 * stream (`/events`, server-sent events read with fetch so the key travels in a header, not
 * in the URL). The API key comes from the URL fragment (`#key=…`, never sent to the server)
 * or a form, and is kept for the browser tab only.
 */
import { monthChart, readingsChart } from './charts.js';
import { anomalyTable, forecasts, renderHealth } from './panels.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.hash.slice(1));
const state = {
  apiKey: params.get('key') ?? sessionStorage.getItem('shardflow-api-key'),
  keys: [],
  anomalies: [],
  refreshedAt: 0,
  keysAt: 0,
  busy: false,
};
if (params.get('key')) history.replaceState(null, '', location.pathname);

const say = (text) => ($('status').textContent = text);
const iso = (s) => new Date(s * 1000).toISOString().slice(0, 16).replace('T', ' ');

class Unauthorized extends Error {}

async function api(path) {
  const res = await fetch(path, { headers: { 'x-api-key': state.apiKey ?? '' } });
  if (res.status === 401) throw new Unauthorized('the API key was refused');
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${body.message}`);
  return body;
}

/** Every page of a query (at most `maxPages`), as objects keyed by column name. */
async function rows(path, maxPages = 20) {
  const out = [];
  let token = null;
  for (let page = 0; page < maxPages; page += 1) {
    const sep = path.includes('?') ? '&' : '?';
    const env = await api(token ? `${path}${sep}NextToken=${encodeURIComponent(token)}` : path);
    const names = env.Metadata.ColumnName;
    for (const r of env.Records) out.push(Object.fromEntries(names.map((n, i) => [n, r[i]])));
    token = env.ExecutionInfo.NextToken;
    if (!token) return { rows: out, columns: names };
  }
  return { rows: out, columns: [] };
}

const seconds = (isoText) => Date.parse(isoText) / 1000;

async function loadKeys() {
  const [devices, households] = await Promise.all([
    rows('/sensorsdata/sensors?limit=100', 5),
    rows('/households?limit=100', 5),
  ]);
  state.keys = [
    ...devices.rows.map((r) => ({ key: r.device, kind: 'device', lastSeen: r.lastSeen })),
    ...households.rows.map((r) => ({ key: r.household, kind: 'household', lastSeen: r.lastSeen })),
  ].sort((a, b) => a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key));
  state.keysAt = Date.now();
  const select = $('key');
  const current = select.value || params.get('device');
  select.replaceChildren(
    ...['device', 'household'].map((kind) => {
      const group = document.createElement('optgroup');
      group.label = kind === 'device' ? 'Devices' : 'Households';
      for (const k of state.keys.filter((x) => x.kind === kind))
        group.append(new Option(k.key, k.key, false, k.key === current));
      return group;
    }),
  );
  if (!select.value && state.keys[0])
    select.value = (await mostRecentAnomalyKey()) ?? state.keys[0].key;
}

/** The key of the latest anomaly event in the day before the newest reading (the first view). */
async function mostRecentAnomalyKey() {
  const newest = Math.max(...state.keys.map((k) => (k.lastSeen ? seconds(k.lastSeen) : 0)));
  if (!(newest > 0)) return undefined;
  const to = Math.floor(newest) + 60;
  const { rows: events } = await rows(`/anomalies?from=${to - 86_400}&to=${to}&limit=1000`, 3);
  const latest = events.sort((a, b) => a.time.localeCompare(b.time)).at(-1);
  return state.keys.some((k) => k.key === latest?.device) ? latest.device : undefined;
}

function range(key) {
  const span = $('span').value;
  if (span === 'custom') {
    const from = Date.parse(`${$('from').value}Z`) / 1000;
    const to = Date.parse(`${$('to').value}Z`) / 1000;
    if (Number.isFinite(from) && Number.isFinite(to) && to > from) return { from, to, live: false };
  }
  const last = key?.lastSeen ? seconds(key.lastSeen) : Date.now() / 1000;
  const to = Math.floor(last) + 60;
  return { from: to - Number(span === 'custom' ? 120 : span) * 60, to, live: true };
}

function fillMeasures(columns) {
  const select = $('measure');
  const measures = columns.filter((c) => c !== 'time');
  if ([...select.options].map((o) => o.value).join() === measures.join()) return;
  const keep = select.value;
  select.replaceChildren(...measures.map((m) => new Option(m, m, false, m === keep)));
}

/** The monthly forecast's measure (`pipelines/households/monthly-forecast.ts`). */
const MONTHLY = 'globalActivePowerMonth~60';

/** Draws the rest of `to`'s month from the household's latest daily refresh. */
async function month(key, to) {
  const d = new Date(to * 1000);
  const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) / 1000;
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
  const device = encodeURIComponent(key.key);
  const { rows: hours } = await rows(
    `/predictions?from=${from}&to=${end - 1}&device=${device}&measure=${MONTHLY}&limit=1000`,
  );
  monthChart($('month-chart'), {
    key: key.key,
    times: hours.map((h) => seconds(h.time)),
    values: hours.map((h) => h.value),
    origin: hours.at(-1)?.origin ?? null,
  });
}

async function refresh() {
  if (state.busy || !state.apiKey) return;
  state.busy = true;
  try {
    if (Date.now() - state.keysAt > 10_000) await loadKeys();
    const key = state.keys.find((k) => k.key === $('key').value);
    if (!key) return say('No devices or households have readings yet.');
    const r = range(key);
    const device = encodeURIComponent(key.key);
    const [readings, anomalies, predictions] = await Promise.all([
      rows(`/sensorsdata?from=${r.from}&to=${r.to}&device=${device}&limit=1000`),
      rows(`/anomalies?from=${r.from}&to=${r.to}&device=${device}`),
      rows(`/predictions?from=${r.from}&to=${r.to + 30 * 60}&device=${device}&limit=1000`),
    ]);
    fillMeasures(readings.columns);
    const measure = $('measure').value;
    readingsChart($('readings-chart'), {
      key: key.key,
      measure,
      times: readings.rows.map((x) => seconds(x.time)),
      values: readings.rows.map((x) => x[measure] ?? null),
      anomalies: anomalies.rows.map((a) => ({
        t: seconds(a.peakAt ?? a.time),
        grade: a.grade ?? 0,
      })),
    });
    anomalyTable(anomalies.rows);
    const monthly = (p) => p.measure.startsWith(MONTHLY);
    forecasts(
      key.key,
      readings.rows,
      predictions.rows.filter((p) => !monthly(p)),
    );
    $('month-section').hidden = key.kind !== 'household';
    if (key.kind === 'household') await month(key, r.to);
    state.refreshedAt = Date.now();
    say(`${r.live ? 'Live' : 'Fixed range'}: ${key.key}, ${iso(r.from)} – ${iso(r.to)} UTC`);
  } catch (error) {
    if (error instanceof Unauthorized) return askKey(error.message);
    say(`Could not load data: ${error.message}`);
    console.error(error);
  } finally {
    state.busy = false;
  }
}

/** Follows `/events`; reconnects after a pause when the stream ends. */
async function follow() {
  for (;;) {
    try {
      const res = await fetch('/events', { headers: { 'x-api-key': state.apiKey } });
      if (res.status === 401) return askKey('the API key was refused');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (/^event: health$/m.test(block) && data) {
            renderHealth(JSON.parse(data));
            if ($('span').value !== 'custom' && Date.now() - state.refreshedAt > 3_000)
              void refresh();
          }
        }
      }
    } catch {
      say('Live stream interrupted; reconnecting…');
    }
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

function askKey(reason) {
  sessionStorage.removeItem('shardflow-api-key');
  state.apiKey = null;
  $('key-form').hidden = false;
  $('api-key').focus();
  say(`Enter the API key (${reason}).`);
}

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  state.apiKey = $('api-key').value;
  sessionStorage.setItem('shardflow-api-key', state.apiKey);
  $('key-form').hidden = true;
  void start();
});
$('controls').addEventListener('submit', (event) => {
  event.preventDefault();
  if ($('span').value !== 'custom') $('span').value = 'custom';
  void refresh();
});
$('span').addEventListener('change', () => {
  if ($('span').value === 'custom') {
    const key = state.keys.find((k) => k.key === $('key').value);
    const r = range(key);
    $('from').value = new Date(r.from * 1000).toISOString().slice(0, 16);
    $('to').value = new Date(r.to * 1000).toISOString().slice(0, 16);
  }
  void refresh();
});
for (const id of ['key', 'measure']) $(id).addEventListener('change', () => void refresh());

async function start() {
  if (!state.apiKey) return askKey('none given');
  sessionStorage.setItem('shardflow-api-key', state.apiKey);
  await refresh();
  void follow();
}
void start();
