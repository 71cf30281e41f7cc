// Manual smoke check of the benchmark harness (not part of `npm test`; no timing asserted):
//   node --import tsx bench/smoke.ts [--targets mock,floor,portico,portkey]
// Starts the upstream mock and each target unpinned, checks the mock's Anthropic SSE framing
// (protocol.md §4.2 event order), then one JSON request and one stream through every target.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probe, type ScenarioEnv } from './lib/scenarios.ts';
import { ALL_TARGETS, startTarget, startUpstreamMock, type TargetId } from './lib/targets.ts';
import { parseArgs } from './lib/config.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = process.argv.indexOf('--targets');
const targets = (arg > 0 ? (process.argv[arg + 1] ?? '').split(',') : [...ALL_TARGETS]) as TargetId[];
const logDir = mkdtempSync(join(tmpdir(), 'portico-bench-smoke-'));
let passed = 0;
let failed = 0;

async function check(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
    passed++;
    process.stdout.write(`ok     ${name}\n`);
  } catch (err) {
    failed++;
    process.stdout.write(`FAILED ${name}: ${(err as Error).message}\n`);
  }
}

const upstream = await startUpstreamMock({ repoRoot, logPath: join(logDir, 'upstream.log') });

await check('mock SSE framing and event order', async () => {
  const res = await fetch(`http://127.0.0.1:${upstream.port}/v1/messages`, {
    method: 'POST',
    headers: { 'x-bench-tokens': '3', 'x-bench-delay-ms': '1' },
    body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 8, stream: true, messages: [] }),
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const text = await res.text();
  const events = text.split('\n\n').filter((b) => b.length > 0);
  const types = events.map((b) => {
    const [ev, data] = b.split('\n');
    const name = ev!.replace(/^event: /, '');
    const json = JSON.parse(data!.replace(/^data: /, '')) as { type: string };
    assert.equal(json.type, name, 'data.type equals the event name');
    return name;
  });
  assert.deepEqual(types, [
    'message_start',
    'content_block_start',
    'ping',
    'content_block_delta',
    'content_block_delta',
    'content_block_delta',
    'content_block_stop',
    'message_delta',
    'message_stop',
  ]);
});

await check('mock JSON message', async () => {
  const res = await fetch(`http://127.0.0.1:${upstream.port}/v1/messages?tokens=4`, { method: 'POST', body: '{"model":"m"}' });
  const msg = (await res.json()) as { type: string; content: { text: string }[]; usage: { output_tokens: number } };
  assert.equal(msg.type, 'message');
  assert.equal(msg.content[0]!.text, 'tok~'.repeat(4));
  assert.equal(msg.usage.output_tokens, 4);
});

await check('config parsing', async () => {
  const q = parseArgs(['--quick', '--targets', 'floor,portkey'], '/tmp/x');
  assert.ok(q !== 'help');
  assert.deepEqual(q.targets, ['floor', 'portkey']);
  assert.equal(q.mode, 'quick');
});

for (const id of targets) {
  await check(`${id}: one JSON request and one stream through the target`, async () => {
    const target = await startTarget(id, { repoRoot, upstreamPort: upstream.port, logDir, prefix: [] }, 'smoke');
    try {
      const cfg = parseArgs([], '/tmp/x');
      assert.ok(cfg !== 'help');
      const env: ScenarioEnv = { cfg, repoRoot, upstreamPort: upstream.port, target, note: () => {} };
      await probe(env);
    } finally {
      await target.service.stop();
      target.cleanup?.();
    }
  });
}

await upstream.stop();
if (failed === 0) rmSync(logDir, { recursive: true, force: true });
else process.stdout.write(`logs kept in ${logDir}\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
