/**
 * Tools, images, structured output and reasoning, end to end with the official `openai` SDK
 * against the strict fake upstream (which enforces tool_use/tool_result pairing, thinking rules,
 * image media types and Anthropic's field set).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { FakeAnthropic } from '../helpers/fake-anthropic.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { startE2e, stopE2e } from '../helpers/e2e.ts';

let fake: FakeAnthropic;
let gateway: RunningGateway;
let client: OpenAI;

before(async () => ({ fake, gateway, client } = await startE2e()));
after(() => stopE2e({ fake, gateway }));
beforeEach(() => fake.reset());

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const timeTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } },
};

type Body = { messages: Array<{ role: string; content: Array<Record<string, unknown>> | string }>; [key: string]: unknown };
const upstreamBody = (index: number): Body => fake.requests[index]!.body as Body;

describe('tool calling', () => {
  test('full round trip: tool_calls out, tool results back, paired upstream', async () => {
    const first = await client.chat.completions.create({
      model: 'claude-sonnet-4-6',
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Please use a tool to get the weather in Paris' }],
    });
    const choice = first.choices[0]!;
    assert.equal(choice.finish_reason, 'tool_calls');
    const call = choice.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.equal(typeof JSON.parse(call.function.arguments), 'object');
    assert.ok(call.id);
    assert.deepEqual(upstreamBody(0)['tools'], [
      { name: 'get_weather', description: 'Weather for a city', input_schema: weatherTool.function.parameters },
    ]);

    const second = await client.chat.completions.create({
      model: 'claude-sonnet-4-6',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Please use a tool to get the weather in Paris' },
        choice.message,
        { role: 'tool', tool_call_id: call.id, content: '18°C and sunny' },
      ],
    });
    assert.equal(second.choices[0]!.finish_reason, 'stop');
    const sent = upstreamBody(1).messages;
    const assistant = sent[1]!.content as Array<Record<string, unknown>>;
    const toolUse = assistant.find((block) => block['type'] === 'tool_use')!;
    const results = sent[2]!.content as Array<Record<string, unknown>>;
    assert.equal(results[0]!['type'], 'tool_result');
    assert.equal(results[0]!['tool_use_id'], toolUse['id']);
  });

  test('streamed tool calls are assembled by the SDK; parallel calls stay separate with dense indexes', async () => {
    fake.enqueue({
      kind: 'reply',
      text: 'Checking both.',
      toolUses: [
        { name: 'get_weather', input: { city: 'Paris' } },
        { name: 'get_time', input: { zone: 'Europe/Paris' } },
      ],
      stopReason: 'tool_use',
    });
    const stream = client.chat.completions.stream({
      model: 'claude-sonnet-4-6',
      tools: [weatherTool, timeTool],
      messages: [{ role: 'user', content: 'weather and time in Paris' }],
    });
    const indexes: number[] = [];
    stream.on('chunk', (chunk) => {
      for (const toolCall of chunk.choices[0]?.delta?.tool_calls ?? []) indexes.push(toolCall.index);
    });
    const completion = await stream.finalChatCompletion();
    const message = completion.choices[0]!.message;
    assert.equal(completion.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(message.content, 'Checking both.');
    const calls = message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
    assert.equal(calls.length, 2);
    assert.deepEqual(JSON.parse(calls[0]!.function.arguments), { city: 'Paris' });
    assert.deepEqual(JSON.parse(calls[1]!.function.arguments), { zone: 'Europe/Paris' });
    assert.deepEqual([...new Set(indexes)], [0, 1]);

    // Parallel results go back as one user turn of tool_result blocks, in order.
    await client.chat.completions.create({
      model: 'claude-sonnet-4-6',
      tools: [weatherTool, timeTool],
      messages: [
        { role: 'user', content: 'weather and time in Paris' },
        message as OpenAI.ChatCompletionAssistantMessageParam,
        { role: 'tool', tool_call_id: calls[0]!.id, content: 'sunny' },
        { role: 'tool', tool_call_id: calls[1]!.id, content: '14:00' },
        { role: 'user', content: 'thanks' },
      ],
    });
    const turn = upstreamBody(1).messages[2]!.content as Array<Record<string, unknown>>;
    assert.deepEqual(
      turn.map((block) => block['type']),
      ['tool_result', 'tool_result', 'text'],
    );
    assert.deepEqual(
      turn.slice(0, 2).map((block) => block['tool_use_id']),
      calls.map((c) => c.id),
    );
  });

  test('tool_choice required and a named function; parallel_tool_calls false', async () => {
    await client.chat.completions.create({
      model: 'claude-sonnet-4-6',
      tools: [weatherTool, timeTool],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
      parallel_tool_calls: false,
      messages: [{ role: 'user', content: 'time?' }],
    });
    assert.deepEqual(upstreamBody(0)['tool_choice'], { type: 'tool', name: 'get_time', disable_parallel_tool_use: true });
    await client.chat.completions.create({
      model: 'claude-sonnet-4-6',
      tools: [weatherTool],
      tool_choice: 'required',
      messages: [{ role: 'user', content: 'weather?' }],
    });
    assert.deepEqual(upstreamBody(1)['tool_choice'], { type: 'any' });
  });

  test('forced tool choice on a model that rejects it still works, and says how', async () => {
    const { response } = await client.chat.completions
      .create({
        model: 'claude-sonnet-5-5',
        tools: [weatherTool],
        tool_choice: 'required',
        messages: [{ role: 'user', content: 'weather?' }],
      })
      .withResponse();
    const choice = upstreamBody(0)['tool_choice'] as { type: string } | undefined;
    assert.notEqual(choice?.type, 'any');
    assert.match(response.headers.get('x-portico-adjustments') ?? '', /tool_choice/);
  });

  test('an orphaned tool result is a precise 400 naming the message', async () => {
    await assert.rejects(
      client.chat.completions.create({
        model: 'claude-sonnet-4-6',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'tool', tool_call_id: 'call_missing', content: 'x' },
        ],
      }),
      (error: unknown) => error instanceof OpenAI.BadRequestError && /^messages\[1\]/.test(String((error as { param?: string }).param)),
    );
    assert.equal(fake.requests.length, 0);
  });
});

const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

describe('images', () => {
  test('data URLs become base64 blocks, https URLs url sources', async () => {
    await client.chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What are these?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_1X1}`, detail: 'low' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    const content = upstreamBody(0).messages[0]!.content as Array<Record<string, unknown>>;
    assert.deepEqual(content[1], { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_1X1 } });
    assert.deepEqual(content[2], { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } });
  });

  test('a malformed data URL is a 400 naming the part', async () => {
    await assert.rejects(
      client.chat.completions.create({
        model: 'claude-sonnet-4-6',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64' } }] }],
      }),
      (error: unknown) => error instanceof OpenAI.BadRequestError && /messages\[0\]\.content\[0\]/.test(String((error as { param?: string }).param)),
    );
  });
});

describe('structured output', () => {
  const schema = {
    type: 'object',
    properties: { city: { type: 'string' }, population: { type: 'integer' } },
    required: ['city', 'population'],
    additionalProperties: false,
  };
  for (const model of ['claude-sonnet-4-6', 'claude-haiku-4-5']) {
    test(`json_schema on ${model}: the content is the JSON text`, async () => {
      const completion = await client.chat.completions.create({
        model,
        response_format: { type: 'json_schema', json_schema: { name: 'city', schema, strict: true } },
        messages: [{ role: 'user', content: 'Biggest city in France?' }],
      });
      const choice = completion.choices[0]!;
      assert.equal(choice.finish_reason, 'stop');
      assert.equal(choice.message.tool_calls, undefined);
      const parsed = JSON.parse(choice.message.content!) as Record<string, unknown>;
      assert.ok('city' in parsed && 'population' in parsed);
    });

    test(`json_schema on ${model}, streamed: the content deltas are the JSON text`, async () => {
      const stream = await client.chat.completions.create({
        model,
        stream: true,
        response_format: { type: 'json_schema', json_schema: { name: 'city', schema, strict: true } },
        messages: [{ role: 'user', content: 'Biggest city in France?' }],
      });
      let text = '';
      let finish: string | null = null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      assert.equal(finish, 'stop');
      assert.ok('city' in (JSON.parse(text) as object));
    });
  }
});

describe('reasoning', () => {
  test('manual-thinking model: reasoning_effort becomes a budget; thinking comes back apart from content', async () => {
    // max_tokens below the stream-upstream threshold: a plain JSON call, whose usage carries
    // output_tokens_details (streamed usage from Anthropic does not break thinking out).
    const completion = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      reasoning_effort: 'low',
      max_tokens: 4000,
      messages: [{ role: 'user', content: 'Think, then answer.' }],
    });
    const thinking = upstreamBody(0)['thinking'] as { type: string; budget_tokens: number };
    assert.equal(thinking.type, 'enabled');
    assert.ok(thinking.budget_tokens >= 1024);
    assert.ok((upstreamBody(0)['max_tokens'] as number) > thinking.budget_tokens);
    const message = completion.choices[0]!.message as OpenAI.ChatCompletionMessage & {
      reasoning_content?: string;
      thinking_blocks?: Array<{ type: string; signature?: string }>;
    };
    assert.equal(message.content, 'Hello from the fake upstream.');
    assert.ok(message.reasoning_content && message.reasoning_content.length > 0);
    assert.ok(message.thinking_blocks?.[0]?.signature);
    assert.ok((completion.usage!.completion_tokens_details?.reasoning_tokens ?? 0) > 0, 'reasoning tokens reported');
  });

  test('adaptive-thinking model: effort; streamed reasoning_content deltas', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude-opus-4-7',
      reasoning_effort: 'high',
      stream: true,
      messages: [{ role: 'user', content: 'Think, then answer.' }],
    });
    let reasoning = '';
    let content = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      reasoning += delta?.reasoning_content ?? '';
      content += delta?.content ?? '';
    }
    assert.equal((upstreamBody(0)['thinking'] as { type: string }).type, 'adaptive');
    assert.equal((upstreamBody(0)['output_config'] as { effort: string }).effort, 'high');
    assert.ok(reasoning.length > 0);
    assert.equal(content, 'Hello from the fake upstream.');
  });

  test('thinking + tools across turns: signed thinking blocks survive the round trip', async () => {
    fake.enqueue({ kind: 'reply', toolUses: [{ name: 'get_weather', input: { city: 'Paris' } }], stopReason: 'tool_use' });
    const first = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      reasoning_effort: 'medium',
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'weather in Paris?' }],
    });
    const message = first.choices[0]!.message;
    const call = message.tool_calls![0]!;
    // The client sends the assistant message back as it got it (thinking_blocks included).
    const second = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      reasoning_effort: 'medium',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        message as OpenAI.ChatCompletionAssistantMessageParam,
        { role: 'tool', tool_call_id: call.id, content: 'sunny' },
      ],
    });
    assert.equal(second.choices[0]!.finish_reason, 'stop');
    const assistant = upstreamBody(1).messages[1]!.content as Array<Record<string, unknown>>;
    assert.equal(assistant[0]!['type'], 'thinking');
    assert.ok(assistant[0]!['signature']);
  });
});

describe('prompt caching', () => {
  test('cache_control on parts, messages and tools passes through; usage reports reads and writes', async () => {
    fake.enqueue({ kind: 'reply', usage: { input_tokens: 10, cache_read_input_tokens: 2000, cache_creation_input_tokens: 500, ephemeral_5m: 300, ephemeral_1h: 200 } });
    const { data: completion, response } = await client.chat.completions
      .create({
        model: 'claude-sonnet-4-6',
        tools: [{ ...weatherTool, cache_control: { type: 'ephemeral' } } as OpenAI.ChatCompletionTool],
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral', ttl: '1h' } } as OpenAI.ChatCompletionContentPartText] },
          { role: 'user', content: [{ type: 'text', text: 'A long shared document…', cache_control: { type: 'ephemeral' } } as OpenAI.ChatCompletionContentPartText] },
        ],
      })
      .withResponse();
    const body = upstreamBody(0);
    assert.deepEqual((body['system'] as Array<Record<string, unknown>>)[0]!['cache_control'], { type: 'ephemeral', ttl: '1h' });
    assert.deepEqual((body['tools'] as Array<Record<string, unknown>>)[0]!['cache_control'], { type: 'ephemeral' });
    assert.deepEqual((body.messages[0]!.content as Array<Record<string, unknown>>)[0]!['cache_control'], { type: 'ephemeral' });
    const usage = completion.usage! as OpenAI.CompletionUsage & { prompt_tokens_details: { cache_write_tokens?: number } };
    assert.equal(usage.prompt_tokens, 10 + 2000 + 500);
    assert.equal(usage.prompt_tokens_details.cached_tokens, 2000);
    assert.equal(usage.prompt_tokens_details.cache_write_tokens, 500);
    // Sonnet 4.6: input 3, 5m write 3.75, 1h write 6, read 0.30, output 15 ($/MTok).
    const expected = (10 * 3 + 300 * 3.75 + 200 * 6 + 2000 * 0.3 + usage.completion_tokens * 15) / 1e6;
    assert.ok(Math.abs(Number(response.headers.get('x-portico-cost-usd')) - expected) < 1e-9, `${response.headers.get('x-portico-cost-usd')} vs ${expected}`);
  });
});

describe('history from other providers', () => {
  test('foreign tool-call ids are mapped consistently to ids Anthropic accepts', async () => {
    await client.chat.completions.create({
      model: 'claude-sonnet-4-6',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call.abc:1|x', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call.abc:1|x', content: 'sunny' },
      ],
    });
    const sent = upstreamBody(0).messages;
    const toolUse = (sent[1]!.content as Array<Record<string, unknown>>).find((block) => block['type'] === 'tool_use')!;
    const result = (sent[2]!.content as Array<Record<string, unknown>>)[0]!;
    assert.match(String(toolUse['id']), /^[a-zA-Z0-9_-]+$/);
    assert.equal(result['tool_use_id'], toolUse['id']);
  });

  test('a PDF file part becomes a document block', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n').toString('base64');
    await client.chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Summarise this.' },
            { type: 'file', file: { filename: 'a.pdf', file_data: `data:application/pdf;base64,${pdf}` } },
          ],
        },
      ],
    });
    const content = upstreamBody(0).messages[0]!.content as Array<Record<string, unknown>>;
    const document = content.find((block) => block['type'] === 'document')!;
    assert.deepEqual(document['source'], { type: 'base64', media_type: 'application/pdf', data: pdf });
  });
});
