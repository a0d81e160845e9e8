/**
 * Headless Chromium for the dashboard's browser tests: `@sparticuz/chromium`'s binary driven
 * by `playwright-core`, with its Lambda flags minus three. Web security stays on (the
 * dashboard must work under its own CSP), and `--single-process` is dropped: in one process
 * Chromium crashed on `close()` with the dashboard open (SIGTRAP, in every run we traced),
 * and a browser that does not shut down cleanly is one way to leave a test process hanging.
 */
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser } from 'playwright-core';

/** The flags dropped from `@sparticuz/chromium`'s list (see the module comment). */
const DROPPED = /^--(disable-web-security|allow-running-insecure-content|single-process)$/;

/** Launches headless Chromium for a test; the caller closes it. */
export async function launchTestBrowser(): Promise<Browser> {
  const executablePath = await chromium.executablePath();
  const args = chromium.args.filter((a) => !DROPPED.test(a));
  return playwright.launch({ executablePath, args, headless: true });
}
