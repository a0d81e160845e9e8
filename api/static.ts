/**
 * @module api/static
 * The dashboard's files, served as they are by the API process (no build step, no separate
 * server): `api/dashboard/` (HTML, one ES module, CSS) and the charting library uPlot, taken
 * from its npm package (`uplot/dist`) — vendored from node_modules rather than copied into
 * the repository, so `npm ci` pins its version and an upgrade is one line in package.json.
 * Only a fixed list of files is served (no path from the request reaches the file system).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** A served file: where it is and its content type. */
interface Asset {
  readonly path: string;
  readonly type: string;
}

const here = fileURLToPath(new URL('./dashboard/', import.meta.url));
const uplot = (file: string) => createRequire(import.meta.url).resolve(`uplot/dist/${file}`);

/** URL path → file, the whole list. */
export function dashboardAssets(dir: string = here): ReadonlyMap<string, Asset> {
  return new Map<string, Asset>([
    ['/', { path: join(dir, 'index.html'), type: 'text/html; charset=utf-8' }],
    ['/dashboard/app.js', { path: join(dir, 'app.js'), type: 'text/javascript; charset=utf-8' }],
    [
      '/dashboard/charts.js',
      { path: join(dir, 'charts.js'), type: 'text/javascript; charset=utf-8' },
    ],
    [
      '/dashboard/panels.js',
      { path: join(dir, 'panels.js'), type: 'text/javascript; charset=utf-8' },
    ],
    ['/dashboard/style.css', { path: join(dir, 'style.css'), type: 'text/css; charset=utf-8' }],
    [
      '/vendor/uPlot.esm.js',
      { path: uplot('uPlot.esm.js'), type: 'text/javascript; charset=utf-8' },
    ],
    ['/vendor/uPlot.min.css', { path: uplot('uPlot.min.css'), type: 'text/css; charset=utf-8' }],
  ]);
}

/** The dashboard's Content-Security-Policy: everything from this origin, nothing inline. */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Reads assets once and keeps them (they never change while the process runs). */
export function createAssetCache(assets: ReadonlyMap<string, Asset> = dashboardAssets()): {
  get(path: string): Promise<{ body: Buffer; type: string } | undefined>;
} {
  const cache = new Map<string, Promise<Buffer>>();
  return {
    async get(path) {
      const asset = assets.get(path);
      if (!asset) return undefined;
      let body = cache.get(path);
      if (!body) {
        body = readFile(asset.path);
        cache.set(path, body);
        body.catch(() => cache.delete(path));
      }
      return { body: await body, type: asset.type };
    },
  };
}
