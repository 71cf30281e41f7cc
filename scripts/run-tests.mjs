#!/usr/bin/env node
// Runs every test file with node's own test runner (via tsx). Node 20's --test takes no globs,
// so the files are listed here: test/**/*.test.ts and src/**/*.test.ts. A test that hangs fails
// after 3 minutes instead of holding CI.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...find(path));
    else if (entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = [...find('src'), ...find('test')].sort();
if (filter.length > 0) files = files.filter((file) => filter.some((f) => file.includes(f)));
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=180000', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
