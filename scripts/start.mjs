#!/usr/bin/env node
// `npm start`: build the Node entry (about 50 ms; every time, so the bundle never lags the source)
// and run it in this process (signals reach the gateway directly). PORTICO_FROM_SOURCE=1 runs the
// TypeScript source through tsx instead (slower; same behaviour), and so does a failed build (a
// read-only checkout, say).
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ROOT, buildNodeEntry } from './build.mjs';

async function sourceEntry() {
  const { register } = await import('tsx/esm/api');
  register();
  return pathToFileURL(join(ROOT, 'src/runtime/node/main.ts')).href;
}

let entry;
if (process.env.PORTICO_FROM_SOURCE === '1') {
  entry = await sourceEntry();
} else {
  try {
    entry = pathToFileURL(await buildNodeEntry()).href;
  } catch (error) {
    process.stderr.write(`portico: could not build dist/ (${error instanceof Error ? error.message : String(error)}); running the source through tsx\n`);
    entry = await sourceEntry();
  }
}
await import(entry);
