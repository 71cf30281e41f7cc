/**
 * `npm start` on a fresh machine: the real Node entry with nothing configured.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnGateway, tempDataDir } from '../helpers/gateway.ts';

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
