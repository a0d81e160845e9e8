/**
 * The dashboard in a real browser (issue 14, "Done when"): a short devices pipeline runs in
 * process on the shared local cloud (75 minutes of readings of two devices, one planted
 * anomaly, one out-of-range reading that becomes a dead letter), the API serves the
 * dashboard, and headless Chromium — the binary shipped in the npm package
 * `@sparticuz/chromium`, driven by `playwright-core` — opens it. The page must show charts
 * with real points, an anomaly marker and its explanation, forecast lines with their
 * errors, the shards with their lease owner and the dead letter by reason, with no console
 * error; controls are labelled and usable from the keyboard. A screenshot is saved to
 * `test-output/dashboard.png`.
 */
import { mkdirSync } from 'node:fs';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser } from 'playwright-core';
import { resourcesFor } from '../core/index.js';
import { bootstrapResources, withoutRawArchive, flushFirehose } from '../localstack/index.js';
import {
  createResultSinks,
  deviceSpec,
  MemorySnapshotStore,
  startPipelineWorker,
  type PipelineWorker,
} from '../pipelines/index.js';
import { launchTestBrowser } from '../test/browser.js';
import { testClients, testConfig, waitFor } from '../test/helpers.js';
import { startApiServer, type ApiServer } from './index.js';

const KEY = 'browser-test-key-0123456789';
const T0 = Date.UTC(2026, 10, 23, 5, 0);
const MIN = 60_000;
const DEVICES = ['dev-a', 'dev-b'];
const config = testConfig({ shardCount: 1 });
const aws = testClients(config);
let worker: PipelineWorker | undefined;
let api: ApiServer | undefined;
let browser: Browser | undefined;
let put = 0;

/** The little of the browser the in-page checks touch (this file compiles without the DOM library). */
interface PageElement {
  readonly id: string;
  readonly dataset: Record<string, string | undefined>;
  readonly textContent: string | null;
  readonly labels?: { readonly length: number } | null;
  getAttribute(name: string): string | null;
}
interface Page {
  readonly location: { readonly href: string };
  readonly document: {
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): Iterable<PageElement>;
    readonly activeElement: PageElement | null;
  };
}

const reading = (deviceId: string, minute: number, humidity?: number) => {
  const w = Math.sin(minute / 4 + deviceId.length);
  const planted = deviceId === 'dev-a' && minute === 50;
  return {
    kind: 'device',
    deviceId,
    ts: new Date(T0 + minute * MIN + 10_000).toISOString(),
    readings: planted
      ? { iaq: 450, temperature: 35, humidity: 90, voc: 40, pressure: 1013, co2: 6000 }
      : {
          iaq: 60 + 3 * w,
          temperature: 21 + w / 5,
          humidity: humidity ?? 40 + w,
          voc: 0.5,
          pressure: 1013,
          co2: 600 + 10 * w,
        },
  };
};

beforeAll(async () => {
  const resources = resourcesFor(config);
  await bootstrapResources(aws, withoutRawArchive(resources), { deliveryStreams: true });
  const records = [];
  for (let m = 0; m < 77; m++)
    for (const d of DEVICES)
      records.push({ PartitionKey: d, Data: Buffer.from(JSON.stringify(reading(d, m))) });
  records.push({
    PartitionKey: 'dev-b',
    Data: Buffer.from(JSON.stringify(reading('dev-b', 30, 140))),
  });
  for (let i = 0; i < records.length; i += 200) {
    const out = await aws.kinesis.send(
      new PutRecordsCommand({ StreamName: config.streamName, Records: records.slice(i, i + 200) }),
    );
    expect(out.FailedRecordCount ?? 0).toBe(0);
  }
  put = records.length;
  worker = await startPipelineWorker({
    kinesis: aws.kinesis,
    dynamodb: aws.dynamodb,
    streamName: config.streamName,
    leaseTableName: config.leaseTableName,
    workerId: 'browser-test-worker',
    failoverTimeMs: 2_000,
    readings: [deviceSpec()],
    sinks: createResultSinks({ aws, config, pipeline: 'devices' }),
    store: new MemorySnapshotStore(),
    httpPort: 0,
    drainDeadlineMs: 4_000,
    maxWaitMs: 200,
    handleSignals: false,
  });
  const count = async (table: string) =>
    (await aws.documents.send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count ?? 0;
  await waitFor(
    async () =>
      (await count(config.predictionsTableName)) > 0 &&
      (await count(config.anomaliesTableName)) > 0,
    {
      timeoutMs: 40_000,
      intervalMs: 250,
      what: 'predictions and an anomaly',
    },
  );
  await flushFirehose(process.env.AWS_ENDPOINT_URL_FIREHOSE ?? '');
  const port = worker.port;
  api = await startApiServer({
    config,
    aws,
    apiKey: KEY,
    workers: () => [`http://127.0.0.1:${port}`],
    recordsIn: () => put,
    healthIntervalMs: 500,
  });
  browser = await launchTestBrowser();
}, 90_000);

afterAll(async () => {
  // each closes even when another fails: one left open would keep jest from exiting
  const closed = await Promise.allSettled([browser?.close(), api?.close(), worker?.stop()]);
  aws.destroy();
  for (const c of closed) if (c.status === 'rejected') throw c.reason;
});

it('shows readings with an anomaly marker, forecasts vs actuals and stream health, without console errors', async () => {
  // a C/POSIX machine locale makes Chromium report navigator.language `en-US@posix`, which
  // Intl (and so uPlot) rejects; a user's browser has a real language tag
  const page = await browser!.newPage({ viewport: { width: 1280, height: 1500 }, locale: 'en-US' });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
  // no device named: the page opens on the key of the latest anomaly event (dev-a)
  await page.goto(`${api!.url}/#key=${KEY}`);

  const numberOf = (selector: string, attribute: string) =>
    page.locator(selector).evaluate((el, a) => Number(el.getAttribute(a)), attribute);
  // in-page functions reach the DOM through `globalThis` (this file compiles without the DOM
  // library); strings would be eval, which the dashboard's Content-Security-Policy forbids
  await page.waitForFunction(
    () => {
      const { document } = globalThis as unknown as Page;
      const r = document.querySelector('#readings-chart')?.dataset;
      const f = document.querySelector('#forecast-chart')?.dataset;
      return Number(r?.points) > 60 && Number(r?.anomalies) > 0 && Number(f?.forecastPoints) > 0;
    },
    undefined,
    { timeout: 15_000 },
  );
  expect(problems).toEqual([]);
  // the key leaves the address bar
  expect(await page.evaluate(() => (globalThis as unknown as Page).location.href)).not.toContain(
    KEY,
  );
  expect(await page.locator('#key').inputValue()).toBe('dev-a');
  expect(await numberOf('#readings-chart', 'data-points')).toBeGreaterThan(60);
  expect(await page.locator('#readings-chart canvas').count()).toBeGreaterThan(0);
  expect(await page.locator('#anomaly-table tbody tr').count()).toBeGreaterThan(0);
  await expect(page.locator('#explanation-summary').textContent()).resolves.toMatch(
    /strongest measure \w+/,
  );
  expect(await page.locator('#forecast-errors tbody tr').count()).toBe(3); // 5, 10, 15 minutes ahead
  await expect(page.locator('#forecast-errors tbody').textContent()).resolves.toMatch(
    /5 min.*10 min.*15 min/s,
  );

  // live health from the event stream: the shard, its owner and lag, records/s, dead letters by reason
  await page.waitForFunction(
    () => {
      const { document } = globalThis as unknown as Page;
      return /out-of-range/.test(document.querySelector('#dead-letter-table')?.textContent ?? '');
    },
    undefined,
    { timeout: 15_000 },
  );
  await expect(page.locator('#shard-table tbody').textContent()).resolves.toContain(
    'browser-test-worker',
  );
  await expect(page.locator('#workers-up').textContent()).resolves.toBe('1 of 1');
  expect(await numberOf('#rate-chart', 'data-points')).toBeGreaterThan(0);

  // accessibility basics: every control has a label; the anomaly list works from the keyboard
  const unlabelled = await page.evaluate(() => {
    const { document } = globalThis as unknown as Page;
    return [...document.querySelectorAll('select, input:not([type=hidden]), button')]
      .filter((e) => !e.labels?.length && !e.getAttribute('aria-label') && !e.textContent?.trim())
      .map((e) => e.id);
  });
  expect(unlabelled).toEqual([]);
  const before = await page.locator('#explanation-summary').textContent();
  const rows = await page.locator('#anomaly-table tbody button').count();
  await page.locator('#anomaly-table tbody button').last().focus();
  await page.keyboard.press('Enter');
  if (rows > 1)
    await expect(page.locator('#explanation-summary').textContent()).resolves.not.toBe(before);
  await page.locator('#span').focus();
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(
    () => (globalThis as unknown as Page).document.activeElement?.id,
  );
  expect(focused).toBe('from');

  // the time-range picker: a fixed UTC range, applied from the keyboard, re-reads the API
  await page.locator('#span').selectOption('custom');
  await page.locator('#from').fill('2026-11-23T05:40');
  await page.locator('#to').fill('2026-11-23T06:00');
  await page.locator('#apply').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => {
    const { document } = globalThis as unknown as Page;
    return /^Fixed range/.test(document.querySelector('#status')?.textContent ?? '');
  });
  expect(await numberOf('#readings-chart', 'data-points')).toBe(21); // 05:40 … 06:00 inclusive
  expect(await numberOf('#readings-chart', 'data-anomalies')).toBe(1);

  mkdirSync('test-output', { recursive: true });
  await page.screenshot({ path: 'test-output/dashboard.png', fullPage: true });
  expect(problems).toEqual([]);
  await page.close();
});
