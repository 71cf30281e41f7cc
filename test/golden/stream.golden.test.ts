/**
 * Golden stream fixtures: test/fixtures/stream/<case>/upstream.anthropic.sse replayed through
 * decode -> reduce -> encode must give expected.openai.sse byte for byte, however the upstream bytes
 * are chunked. Expected files were written/reviewed by hand; `UPDATE_GOLDEN=1` rewrites them on purpose.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeAnthropicEvents } from '../../src/sse/decode-anthropic-events.ts';
import { encodeSseData, encodeSseError, SSE_DONE } from '../../src/sse/encode-sse.ts';
import { finishChunk, usageChunk } from '../../src/translate/stream/finish-stream.ts';
import { reduceStreamEvent } from '../../src/translate/stream/reduce-stream-event.ts';
import { createStreamState, type StreamContext } from '../../src/translate/stream/stream-state.ts';
import { endOfStreamError, streamUsage } from '../../src/translate/stream/stream-usage.ts';
import { bodyOf, caseDirs, CHUNKINGS, readJson, replay, UPDATE_GOLDEN } from './golden-helpers.ts';

/** The same pipeline assembled by hand from the reducer API, serialising with plain JSON.stringify. */
async function replayManually(bytes: Uint8Array, context: StreamContext): Promise<string> {
  const state = createStreamState(context);
  let out = '';
  for await (const event of decodeAnthropicEvents(bodyOf([bytes]))) {
    const step = reduceStreamEvent(state, event);
    for (const chunk of step.chunks) out += encodeSseData(JSON.stringify(chunk));
    if (step.error !== null) return out + encodeSseError(step.error) + SSE_DONE;
    if (step.done) {
      const finish = finishChunk(state);
      const { usage } = streamUsage(state);
      if (context.includeUsage) return out + encodeSseData(JSON.stringify(finish)) + encodeSseData(JSON.stringify(usageChunk(context, usage))) + SSE_DONE;
      finish.usage = usage;
      return out + encodeSseData(JSON.stringify(finish)) + SSE_DONE;
    }
  }
  return out + encodeSseError(endOfStreamError(state)!) + SSE_DONE;
}

describe('golden streams', () => {
  for (const dir of caseDirs('stream')) {
    const name = basename(dir);
    const upstream = new Uint8Array(readFileSync(join(dir, 'upstream.anthropic.sse')));
    const context = readJson<StreamContext>(join(dir, 'context.json'));
    const expectedPath = join(dir, 'expected.openai.sse');

    describe(name, () => {
      if (UPDATE_GOLDEN) {
        it('regenerates expected.openai.sse (UPDATE_GOLDEN=1)', async () => {
          writeFileSync(expectedPath, await replay([upstream], context));
          assert.ok(existsSync(expectedPath));
        });
        return;
      }
      const expected = readFileSync(expectedPath, 'utf8');
      for (const chunking of CHUNKINGS) {
        it(`matches expected bytes, ${chunking.name}`, async () => {
          assert.equal(await replay(chunking.split(upstream), context), expected);
        });
      }
      it('matches when assembled by hand from the reducer API with JSON.stringify', async () => {
        assert.equal(await replayManually(upstream, context), expected);
      });
    });
  }
});
