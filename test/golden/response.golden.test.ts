/**
 * Golden non-stream fixtures: test/fixtures/response/<case>/upstream.anthropic.json through
 * toChatCompletion must equal expected.openai.json, key order included (compared as 2-space JSON
 * text). `UPDATE_GOLDEN=1` rewrites the expected files on purpose.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import type { Message } from '../../src/protocol/anthropic/messages.ts';
import { toChatCompletion, type CompletionContext } from '../../src/translate/response/to-chat-completion.ts';
import { caseDirs, readJson, UPDATE_GOLDEN } from './golden-helpers.ts';

describe('golden responses', () => {
  for (const dir of caseDirs('response')) {
    it(basename(dir), () => {
      const message = readJson<Message>(join(dir, 'upstream.anthropic.json'));
      const context = readJson<CompletionContext>(join(dir, 'context.json'));
      const actual = JSON.stringify(toChatCompletion(message, context), null, 2) + '\n';
      const expectedPath = join(dir, 'expected.openai.json');
      if (UPDATE_GOLDEN) writeFileSync(expectedPath, actual);
      assert.equal(actual, readFileSync(expectedPath, 'utf8'));
    });
  }
});
