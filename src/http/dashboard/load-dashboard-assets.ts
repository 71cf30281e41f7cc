/**
 * Node only: reads uPlot's built files from node_modules once, at startup. The Node entry passes the
 * result to createDashboardRoutes({ assets }). Never imported on Workers (no file system there);
 * without assets the page still works and draws plain SVG bars instead of uPlot charts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DashboardAssets } from './dashboard-routes.ts';

export function loadDashboardAssets(): DashboardAssets {
  try {
    const require = createRequire(import.meta.url);
    const dist = join(dirname(require.resolve('uplot/package.json')), 'dist');
    return {
      uplotJs: readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8'),
      uplotCss: readFileSync(join(dist, 'uPlot.min.css'), 'utf8'),
    };
  } catch {
    return {};
  }
}
