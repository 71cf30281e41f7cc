import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { ConfigError, parseConfig, SEED_DEFAULT_MODEL } from './config.ts';

test('defaults: a fresh machine needs nothing', () => {
  const config = parseConfig({});
  assert.equal(config.port, 8080);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.anthropicBaseUrl, 'https://api.anthropic.com');
  assert.equal(config.anthropicApiKey, null);
  assert.equal(config.masterKey, null);
  assert.equal(config.dataDir, './.portico');
  assert.equal(config.defaultModel, SEED_DEFAULT_MODEL);
  assert.deepEqual(config.corsOrigins, ['*']);
  assert.equal(config.strict, false);
});

test('env wins over the file; trailing slashes are dropped from the base URL', () => {
  const config = parseConfig(
    { PORT: '9000', ANTHROPIC_BASE_URL: 'http://127.0.0.1:1234/', PORTICO_STRICT: 'true', PORTICO_CORS_ORIGINS: 'https://a.example, https://b.example' },
    { strict: false, default_model: 'claude-sonnet-4-6', aliases: { fast: 'claude-haiku-4-5' } },
  );
  assert.equal(config.port, 9000);
  assert.equal(config.anthropicBaseUrl, 'http://127.0.0.1:1234');
  assert.equal(config.strict, true);
  assert.equal(config.defaultModel, 'claude-sonnet-4-6');
  assert.deepEqual(config.aliases, { fast: 'claude-haiku-4-5' });
  assert.deepEqual(config.corsOrigins, ['https://a.example', 'https://b.example']);
});

test('bad values are configuration errors naming the variable', () => {
  assert.throws(() => parseConfig({ PORT: 'eighty' }), (error: unknown) => error instanceof ConfigError && /PORT/.test(error.message));
  assert.throws(() => parseConfig({ PORTICO_STRICT: 'maybe' }), ConfigError);
  assert.throws(() => parseConfig({ ANTHROPIC_BASE_URL: 'ftp://x' }), ConfigError);
  assert.throws(() => parseConfig({ PORTICO_CACHE_POLICY: 'always' }), ConfigError);
});

test('secrets never print', () => {
  const config = parseConfig({ ANTHROPIC_API_KEY: 'sk-ant-very-secret', PORTICO_MASTER_KEY: 'sk-master-secret' });
  const printed = JSON.stringify(config) + String(config.anthropicApiKey) + inspect(config, { depth: 5 });
  assert.doesNotMatch(printed, /very-secret|master-secret/);
  assert.equal(config.anthropicApiKey!.reveal(), 'sk-ant-very-secret');
});
