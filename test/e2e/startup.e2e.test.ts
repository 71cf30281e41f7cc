/**
 * `npm start` on a fresh machine: the real Node entry with nothing configured.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createStorage } from '../../src/storage/create-storage.ts';
import { startFakeAnthropic } from '../helpers/fake-anthropic.ts';
import { spawnGateway, tempDataDir, TEST_MASTER_KEY } from '../helpers/gateway.ts';

test('no ANTHROPIC_API_KEY, no master key: starts, says what is missing, generates and prints a master key once, answers 503', async () => {
  const dataDir = tempDataDir();
  try {
    const first = await spawnGateway({ PORTICO_DATA_DIR: dataDir });
    let key: string;
    try {
      const keyFile = join(dataDir, 'master-key');
      assert.ok(existsSync(keyFile));
      key = readFileSync(keyFile, 'utf8').trim();
      assert.match(key, /^sk-portico-master-/);
      assert.ok(first.output().includes(key), 'the generated key is printed once');
      assert.match(first.output(), /ANTHROPIC_API_KEY is not set/);
      const health = await fetch(`${first.url}/health`);
      assert.equal(health.status, 200);
      const response = await fetch(`${first.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(response.status, 503);
      const body = (await response.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'upstream_not_configured');
      assert.match(body.error.message, /ANTHROPIC_API_KEY/);
    } finally {
      await first.stop();
    }
    // Second start: the same key, not printed again.
    const second = await spawnGateway({ PORTICO_DATA_DIR: dataDir });
    try {
      assert.ok(!second.output().includes(key), 'the master key is printed only when generated');
      const models = await fetch(`${second.baseURL}/models`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(models.status, 200);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a configuration error is reported clearly and exits non-zero', async () => {
  await assert.rejects(spawnGateway({ PORT: 'not-a-port' }), /PORT must be an integer/);
});

test('SIGTERM with streams open, then every client leaves: every stream is in the ledger as cancelled, nothing fails on the way out', async () => {
  const fake = await startFakeAnthropic();
  const dataDir = tempDataDir();
  try {
    const gateway = await spawnGateway({
      PORTICO_DATA_DIR: dataDir,
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'sk-ant-test',
      PORTICO_MASTER_KEY: TEST_MASTER_KEY,
    });
    const ids: string[] = [];
    try {
      const count = 40;
      for (let i = 0; i < count; i++) fake.enqueue({ kind: 'reply', delayMs: 200 });
      const controllers = Array.from({ length: count }, () => new AbortController());
      await Promise.all(
        controllers.map(async (controller) => {
          const response = await fetch(`${gateway.baseURL}/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
            signal: controller.signal,
          });
          assert.equal(response.status, 200);
          ids.push(response.headers.get('x-request-id')!);
          await response.body!.getReader().read(); // the stream is open
        }),
      );
      // Shutdown starts while the streams are open; then every client leaves at once.
      gateway.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const controller of controllers) controller.abort();
    } finally {
      await gateway.stop();
    }
    assert.doesNotMatch(gateway.output(), /unhandled|not open|unexpected error/i);
    const storage = await createStorage({ dataDir });
    try {
      const rows = await storage.ledger.recent(100);
      const byId = new Map(rows.map((row) => [row.requestId, row]));
      for (const id of ids) {
        const row = byId.get(id);
        assert.ok(row, `stream ${id} has no ledger row`);
        assert.equal(row.cancelled, true);
        assert.equal(row.errorCode, 'client_closed_request');
      }
    } finally {
      await storage.close();
    }
  } finally {
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('npm start runs the built bundle (no tsx transform at runtime); PORTICO_FROM_SOURCE=1 runs the source; both report the package version', async () => {
  const { BUNDLE, buildNodeEntry } = await import('../../scripts/build.mjs');
  assert.equal(await buildNodeEntry(), BUNDLE);
  const bundle = readFileSync(BUNDLE, 'utf8');
  // tsx's keep-names helper wraps every closure creation; the bundle must not carry it.
  assert.ok(!bundle.includes('__name('), 'no keep-names wrappers in the bundle');
  assert.ok(!/from ['"]\.\.?\//.test(bundle), 'our modules are bundled, not imported');
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const modes: Array<Record<string, string>> = [{}, { PORTICO_FROM_SOURCE: '1' }];
  for (const env of modes) {
    const dataDir = tempDataDir();
    const gateway = await spawnGateway({ PORTICO_DATA_DIR: dataDir, PORTICO_MASTER_KEY: TEST_MASTER_KEY, ...env });
    try {
      const health = (await (await fetch(`${gateway.url}/health`)).json()) as { status: string; version: string };
      assert.deepEqual([health.status, health.version], ['ok', version], JSON.stringify(env));
      // The build's esbuild service is stopped: the gateway keeps no child process around (Linux /proc).
      const childrenFile = `/proc/${gateway.child.pid}/task/${gateway.child.pid}/children`;
      if (existsSync(childrenFile) && !env.PORTICO_FROM_SOURCE) {
        assert.equal(readFileSync(childrenFile, 'utf8').trim(), '', 'no child processes (esbuild service stopped)');
      }
    } finally {
      await gateway.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
});
