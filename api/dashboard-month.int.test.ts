/**
 * The dashboard's *This month* panel in a real browser (issue 18): a household's readings
 * and its latest daily rest-of-the-month forecast (`globalActivePowerMonth~60` rows, as the
 * households pipeline writes them) are put in the tables through the result sinks; headless
 * Chromium opens the dashboard on that household. The panel must draw every forecast hour
 * from the newest reading's day to the month's end with the energy they add up to, the
 * 15-minute forecast panel must not take the monthly rows for a horizon, and a device hides
 * the panel. A screenshot goes to `test-output/dashboard-month.png`.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { resourcesFor } from '../core/index.js';
import { bootstrapResources } from '../localstack/index.js';
import { createResultSinks, NO_OUTPUTS, writeItems, type ResultItem } from '../pipelines/index.js';
import { predictionKey, readingRowKey } from '../sinks/index.js';
import { launchTestBrowser } from '../test/browser.js';
import { testClients, testConfig } from '../test/helpers.js';
import { startApiServer, type ApiServer } from './index.js';

const KEY = 'month-panel-test-key-0123456789';
const config = testConfig({ shardCount: 1 });
const aws = testClients(config);
const MIN = 60_000;
/** The monthly rows' measure, as `pipelines/households/monthly-forecast.ts` writes them. */
const MONTHLY_MEASURE = 'globalActivePowerMonth';
const MONTHLY_MINUTES = 60;
// the newest reading is on 29 Nov: the panel shows 29 and 30 Nov, 48 hours
const T0 = Date.UTC(2026, 10, 29, 9, 0);
let api: ApiServer | undefined;
let browser: Browser | undefined;

const household = (m: number) => ({
  globalActivePower: 1 + m / 100,
  globalReactivePower: 0.1,
  voltage: 240,
  globalIntensity: 4,
  subMetering1: 0,
  subMetering2: 1,
  subMetering3: 5,
});

beforeAll(async () => {
  const resources = resourcesFor(config);
  await bootstrapResources(aws, { ...resources, deliveryStreams: [] }, { deliveryStreams: false });
  const items: ResultItem[] = [];
  for (let m = 0; m < 30; m++) {
    const t = T0 + m * MIN;
    const rows = [
      {
        key: readingRowKey({ key: 'h-month', windowStart: t }),
        attributes: { kind: 'household', values: household(m), imputed: false },
      },
      {
        key: readingRowKey({ key: 'dev-month', windowStart: t }),
        attributes: {
          kind: 'device',
          values: { iaq: 50, temperature: 21, humidity: 40, voc: 0.5, pressure: 1013, co2: 600 },
          imputed: false,
        },
      },
    ];
    const predictions = [
      {
        key: predictionKey({
          deviceId: 'h-month',
          ts: t + 5 * MIN,
          measure: 'globalActivePower',
          minutesAhead: 5,
        }),
        attributes: {
          pipeline: 'households',
          value: 1,
          origin: new Date(t).toISOString(),
          model: 'moving-average-15',
          weight: 0.72,
        },
      },
    ];
    items.push({ pipeline: 'households', outputs: { ...NO_OUTPUTS, readings: rows, predictions } });
  }
  // the daily refresh of 29 Nov: 48 hourly means, the evenings higher
  const day = Date.UTC(2026, 10, 29);
  const monthly = Array.from({ length: 48 }, (_, h) => ({
    key: predictionKey({
      deviceId: 'h-month',
      ts: day + h * 60 * MIN,
      measure: MONTHLY_MEASURE,
      minutesAhead: MONTHLY_MINUTES,
    }),
    attributes: {
      pipeline: 'households',
      value: h % 24 >= 18 ? 2.5 : 0.5,
      origin: new Date(day).toISOString(),
      target: new Date(day + h * 60 * MIN).toISOString(),
      model: 'seasonal-profile',
    },
  }));
  items.push({ pipeline: 'households', outputs: { ...NO_OUTPUTS, predictions: monthly } });
  const written = await writeItems(createResultSinks({ aws, config }), items);
  expect(written.failed).toEqual([]);
  api = await startApiServer({ config, aws, apiKey: KEY, workers: () => [], recordsIn: () => 0 });
  browser = await launchTestBrowser();
}, 60_000);

afterAll(async () => {
  // each closes even when another fails: one left open would keep jest from exiting
  const closed = await Promise.allSettled([browser?.close(), api?.close()]);
  aws.destroy();
  for (const c of closed) if (c.status === 'rejected') throw c.reason;
});

it('draws the rest of the month for a household, apart from the 15-minute forecasts', async () => {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 1800 }, locale: 'en-US' });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${api!.url}/#key=${KEY}&device=h-month`);
  const points = () =>
    page.locator('#month-chart').evaluate((el) => Number(el.getAttribute('data-points')));
  await page.waitForFunction(
    () =>
      Number(
        (
          globalThis as unknown as {
            document: { querySelector(s: string): { getAttribute(a: string): string } | null };
          }
        ).document
          .querySelector('#month-chart')
          ?.getAttribute('data-points'),
      ) > 0,
    undefined,
    { timeout: 15_000 },
  );
  expect(await page.locator('#month-section').isVisible()).toBe(true);
  expect(await points()).toBe(48);
  // 12 evening hours at 2.5 kW, 36 at 0.5 kW
  await expect(page.locator('#month-chart figcaption').textContent()).resolves.toContain(
    '48 hours, 48.0 kWh in all (refreshed 2026-11-29T00:00:00.000Z)',
  );
  expect(await page.locator('#month-chart canvas').count()).toBeGreaterThan(0);
  // the 15-minute panel has its one horizon, not a 60-minute one made of the monthly rows
  await expect(page.locator('#forecast-errors tbody').textContent()).resolves.not.toMatch(/60 min/);
  expect(await page.locator('#forecast-errors tbody tr').count()).toBe(1);
  // the model of the newest prediction with its share of the mix
  await expect(page.locator('#forecast-errors tbody').textContent()).resolves.toContain(
    'moving-average-15 (72 %)',
  );
  mkdirSync('test-output', { recursive: true });
  await page.screenshot({ path: 'test-output/dashboard-month.png', fullPage: true });
  // a device has no monthly forecast: the panel is hidden
  await page.selectOption('#key', 'dev-month');
  await page.waitForFunction(
    () =>
      (
        globalThis as unknown as {
          document: { querySelector(s: string): { hidden: boolean } | null };
        }
      ).document.querySelector('#month-section')?.hidden === true,
    undefined,
    { timeout: 10_000 },
  );
  expect(problems).toEqual([]);
}, 60_000);
