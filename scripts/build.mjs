#!/usr/bin/env node
// Bundles the Node entry (src/runtime/node/main.ts) into dist/portico-node.mjs with esbuild:
// our TypeScript compiled once, npm packages left as imports. `npm start` runs the bundle
// (scripts/start.mjs). Why not tsx at runtime: its transform keeps function names by wrapping
// every function and closure creation in a helper call (Object.defineProperty per closure), which
// costs measurably on the hot path (docs/benchmark.md, "what changed"), and it compiles on start.
// Not minified: stack traces stay readable.
import { build, stop } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const BUNDLE = join(ROOT, 'dist', 'portico-node.mjs');

/**
 * Builds in memory, then replaces the bundle atomically (write + rename) and only if it changed:
 * several gateways may start at once from one checkout (tests start replicas side by side), and
 * none may import a half-written file.
 */
export async function buildNodeEntry() {
  let result;
  try {
    result = await build({
      entryPoints: [join(ROOT, 'src/runtime/node/main.ts')],
      outfile: BUNDLE,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
      legalComments: 'none',
      write: false,
    });
  } finally {
    // esbuild's JS API runs its binary as a child service that would otherwise live (~25 MB) as long
    // as the gateway does.
    await stop();
  }
  const code = result.outputFiles[0].contents;
  let current = null;
  try {
    current = readFileSync(BUNDLE);
  } catch {
    // not built yet
  }
  if (current === null || !current.equals(code)) {
    mkdirSync(dirname(BUNDLE), { recursive: true });
    const temp = `${BUNDLE}.${process.pid}.tmp`;
    writeFileSync(temp, code);
    renameSync(temp, BUNDLE);
  }
  return BUNDLE;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildNodeEntry();
  process.stdout.write(`built ${BUNDLE}\n`);
}
