import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, before, after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createStorage } from '../storage/create-storage.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dataDir: string;

function run(args: string[], options: { bin?: boolean } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const argv = options.bin ? [join(root, 'bin/portico.mjs'), ...args] : ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: root,
      env: { ...process.env, PORTICO_DATA_DIR: dataDir, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'portico-cli-'));
});
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('portico CLI', () => {
  it('prints help for the CLI and each command', async () => {
    const main = await run(['--help']);
    assert.equal(main.code, 0);
    assert.match(main.stdout, /Usage: portico <command>/);
    assert.match(main.stdout, /keys\s+create, list and revoke/);
    assert.match(main.stdout, /usage\s+usage totals/);
    const keys = await run(['keys', '--help']);
    assert.equal(keys.code, 0);
    assert.match(keys.stdout, /portico keys create --name <name>/);
    assert.match((await run(['usage', '--help'])).stdout, /--group-by <g>/);
  });

  it('runs through the bin shim', async () => {
    const result = await run(['--help'], { bin: true });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: portico <command>/);
  });

  it('creates a key (secret shown once), lists it without the secret, revokes it', async () => {
    const created = await run(['keys', 'create', '--name', 'x', '--rpm', '10', '--models', 'claude-sonnet-*,claude-haiku-4-5', '--budget-usd', '5', '--budget-period', 'daily']);
    assert.equal(created.code, 0, created.stderr);
    const secret = /(sk-portico-[A-Za-z0-9_-]{43})/.exec(created.stdout)?.[1];
    assert.ok(secret, created.stdout);
    assert.match(created.stdout, /only time the key is shown/);
    const id = /Created key (key_[0-9a-f]+)/.exec(created.stdout)?.[1];
    assert.ok(id);

    const listed = await run(['keys', 'list']);
    assert.equal(listed.code, 0);
    assert.ok(listed.stdout.includes(id));
    assert.ok(listed.stdout.includes(secret.slice(0, 17)));
    assert.equal(listed.stdout.includes(secret), false);
    assert.match(listed.stdout, /active/);

    const json = JSON.parse((await run(['keys', 'list', '--json'])).stdout);
    const key = json.data.find((k: { id: string }) => k.id === id);
    assert.deepEqual([key.name, key.rpm, key.models, key.budget_usd, key.budget_period], ['x', 10, ['claude-sonnet-*', 'claude-haiku-4-5'], 5, 'daily']);
    assert.equal('key' in key, false);

    const revoked = await run(['keys', 'revoke', id]);
    assert.equal(revoked.code, 0);
    assert.match(revoked.stdout, new RegExp(`Revoked ${id}`));
    assert.match((await run(['keys', 'list'])).stdout, /revoked/);
    const missing = await run(['keys', 'revoke', 'key_nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no key with id 'key_nope'/);
  });

  it('prints the key object with --json on create', async () => {
    const created = await run(['keys', 'create', '--name', 'j', '--tpm', '5000', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const object = JSON.parse(created.stdout);
    assert.match(object.key, /^sk-portico-/);
    assert.equal(object.tpm, 5000);
  });

  it('refuses bad options with exit code 2 naming the flag', async () => {
    const noName = await run(['keys', 'create']);
    assert.equal(noName.code, 2);
    assert.match(noName.stderr, /--name is required/);
    const badRpm = await run(['keys', 'create', '--name', 'x', '--rpm', 'lots']);
    assert.equal(badRpm.code, 2);
    assert.match(badRpm.stderr, /--rpm/);
    const unknownFlag = await run(['keys', 'create', '--name', 'x', '--bogus']);
    assert.equal(unknownFlag.code, 2);
    assert.equal((await run(['frobnicate'])).code, 2);
    assert.equal((await run(['usage', '--group-by', 'hour'])).code, 2);
    assert.match((await run(['usage', '--since', 'yesterday'])).stderr, /--since/);
  });

  it('reads usage written by the gateway from the same store', async () => {
    const storage = await createStorage({ dataDir });
    const base = {
      keyId: 'key_cli', createdAt: Date.UTC(2026, 11, 1, 12), modelRequested: 'claude-sonnet-4-5', modelServed: 'claude-sonnet-4-5-20250929',
      inputTokens: 100, cacheReadTokens: 50, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 20, reasoningTokens: 0,
      costUsd: 0.25, latencyMs: 100, ttftMs: 50, status: 200, errorCode: null, cancelled: false, stream: false, choices: 1,
      upstreamRequestId: null, rawUsage: null,
    };
    await storage.ledger.record({ ...base, requestId: 'a' });
    await storage.ledger.record({ ...base, requestId: 'b', modelServed: 'claude-haiku-4-5', costUsd: 0.5 });
    await storage.close();
    const json = JSON.parse((await run(['usage', '--key-id', 'key_cli', '--group-by', 'model', '--json'])).stdout);
    assert.equal(json.requests, 2);
    assert.equal(json.prompt_tokens, 300);
    assert.equal(json.cost_usd, 0.75);
    assert.deepEqual(json.data.map((g: { model: string }) => g.model), ['claude-haiku-4-5', 'claude-sonnet-4-5-20250929']);
    const human = await run(['usage', '--key-id', 'key_cli', '--since', '2026-12-01', '--until', '2026-12-02']);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /requests\s+2/);
    assert.match(human.stdout, /\$0\.75/);
  });

  it('exports usage records as JSON Lines (oldest first), no progress on piped stderr', async () => {
    const storage = await createStorage({ dataDir });
    const base = {
      keyId: 'key_export', modelRequested: 'claude-haiku-4-5', modelServed: 'claude-haiku-4-5-20251001',
      inputTokens: 10, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 5, reasoningTokens: 0,
      costUsd: 0.01, latencyMs: 80, ttftMs: null, status: 200, errorCode: null, cancelled: false, stream: true, choices: 1,
      upstreamRequestId: 'req_up', rawUsage: null,
    };
    await storage.ledger.record({ ...base, requestId: 'late', createdAt: Date.UTC(2026, 11, 2, 9) });
    await storage.ledger.record({ ...base, requestId: 'early', createdAt: Date.UTC(2026, 11, 2, 8), status: 429, errorCode: 'rate_limit_exceeded' });
    await storage.close();
    const result = await run(['usage', 'export', '--format', 'jsonl', '--key-id', 'key_export']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const rows = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(rows.map((r) => [r.request_id, r.created_at_ms, r.status, r.error_code, r.prompt_tokens]), [
      ['early', Date.UTC(2026, 11, 2, 8), 429, 'rate_limit_exceeded', 10],
      ['late', Date.UTC(2026, 11, 2, 9), 200, null, 10],
    ]);
    assert.match((await run(['usage', 'export', '--help'])).stdout, /--format <f>/);
  });
});
