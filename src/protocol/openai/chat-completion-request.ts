/**
 * OpenAI Chat Completions request (`POST /v1/chat/completions`) — the zod schema Portico validates
 * against, plus OpenAI-style 400s (`param` = OpenAI path such as `messages[2].content[1].image_url.url`).
 * `null` is accepted wherever the OpenAI SDK types allow it and means "absent".
 * Unknown top-level fields are accepted here (stripped from the typed output); the translator lists
 * them as `dropped` adjustments. Anthropic extensions arrive top-level via the SDKs' `extra_body`:
 * `thinking`, `top_k`, and Portico's `cache_control`.
 * @see ../shared/protocol.md §1.1, §1.2; O-SDK `ChatCompletionCreateParamsBase`
 */
import { z } from 'zod';
import { GatewayError } from '../../domain/errors.ts';

// Number checks carry their OpenAI kind word ('decimal' | 'integer') as the zod message; the
// formatter below turns it into "Invalid 'x': decimal above maximum value. …".
const decimal = (min: number, max: number) => z.number().min(min, 'decimal').max(max, 'decimal');
const integer = (min: number, max?: number) => {
  const base = z.number({ error: () => 'integer' }).int('integer').min(min, 'integer');
  return max === undefined ? base : base.max(max, 'integer');
};

/** Cap for `n`: each choice is one upstream call (fan-out, protocol.md §6.9); 8 bounds cost ×N. */
export const MAX_N = 8;

export const CacheControlSchema = z.object({
  type: z.literal('ephemeral'),
  ttl: z.enum(['5m', '1h']).optional(),
});

const cache = { cache_control: CacheControlSchema.nullish() };

export const TextPartSchema = z.object({ type: z.literal('text'), text: z.string(), ...cache });
export const ImageUrlPartSchema = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string(), detail: z.string().nullish() }),
  ...cache,
});
export const FilePartSchema = z.object({
  type: z.literal('file'),
  file: z.object({ file_data: z.string().nullish(), file_id: z.string().nullish(), filename: z.string().nullish() }),
  ...cache,
});
export const InputAudioPartSchema = z.object({
  type: z.literal('input_audio'),
  input_audio: z.object({ data: z.string(), format: z.string() }),
});
export const RefusalPartSchema = z.object({ type: z.literal('refusal'), refusal: z.string() });

const textContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [TextPartSchema]))]);
const userContent = z.union([
  z.string(),
  z.array(z.discriminatedUnion('type', [TextPartSchema, ImageUrlPartSchema, FilePartSchema, InputAudioPartSchema])),
]);
const assistantContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [TextPartSchema, RefusalPartSchema]))]);

export const ToolCallSchema = z.object({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

/** Portico extension returned on responses (`message.thinking_blocks`), accepted back verbatim. */
export const ThinkingBlockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() }),
  z.object({ type: z.literal('redacted_thinking'), data: z.string() }),
]);

const name = { name: z.string().nullish() };

export const MessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: textContent, ...name, ...cache }),
  z.object({ role: z.literal('developer'), content: textContent, ...name, ...cache }),
  z.object({ role: z.literal('user'), content: userContent, ...name, ...cache }),
  z.object({
    role: z.literal('assistant'),
    content: assistantContent.nullish(),
    refusal: z.string().nullish(),
    tool_calls: z.array(ToolCallSchema).nullish(),
    function_call: z.object({ name: z.string(), arguments: z.string() }).nullish(),
    audio: z.object({ id: z.string() }).nullish(),
    thinking_blocks: z.array(ThinkingBlockSchema).nullish(),
    reasoning_content: z.string().nullish(),
    ...name,
    ...cache,
  }),
  z.object({ role: z.literal('tool'), content: textContent, tool_call_id: z.string(), ...cache }),
  z.object({ role: z.literal('function'), content: z.string().nullish(), name: z.string() }),
]);

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const jsonObject = z.record(z.string(), z.unknown());

export const FunctionDefinitionSchema = z.object({
  name: z.string().regex(FUNCTION_NAME),
  description: z.string().nullish(),
  parameters: jsonObject.nullish(),
  strict: z.boolean().nullish(),
});

export const ToolSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('function'), function: FunctionDefinitionSchema, ...cache }),
  // Grammar/custom tools have no Anthropic equivalent; accepted by the schema so the translator can
  // answer 400 unsupported_parameter naming `tools[i].type`.
  z.object({ type: z.literal('custom'), custom: z.unknown() }),
]);

const namedFunction = z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) });

export const ToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.discriminatedUnion('type', [
    namedFunction,
    z.object({
      type: z.literal('allowed_tools'),
      allowed_tools: z.object({
        mode: z.enum(['auto', 'required']),
        tools: z.array(z.object({ type: z.string(), function: z.object({ name: z.string() }).nullish() })),
      }),
    }),
    z.object({ type: z.literal('custom'), custom: z.unknown() }),
  ]),
]);

export const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string(),
      description: z.string().nullish(),
      schema: jsonObject.nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

export const ThinkingParamSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('enabled'),
    budget_tokens: integer(1024),
    display: z.enum(['summarized', 'omitted']).optional(),
  }),
  z.object({ type: z.literal('adaptive'), display: z.enum(['summarized', 'omitted']).optional() }),
  z.object({ type: z.literal('disabled') }),
]);

export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;

export const ChatCompletionRequestSchema = z.object({
  model: z.string().nullish(),
  messages: z.array(MessageSchema).min(1),
  temperature: decimal(0, 2).nullish(),
  top_p: decimal(0, 1).nullish(),
  n: integer(1, MAX_N).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  max_tokens: integer(1).nullish(),
  max_completion_tokens: integer(1).nullish(),
  presence_penalty: decimal(-2, 2).nullish(),
  frequency_penalty: decimal(-2, 2).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish(), include_obfuscation: z.boolean().nullish() }).nullish(),
  user: z.string().nullish(),
  seed: z.number({ error: () => 'integer' }).int('integer').nullish(),
  logit_bias: z.record(z.string(), decimal(-100, 100)).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: integer(0, 20).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  store: z.boolean().nullish(),
  service_tier: z.string().nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  tools: z.array(ToolSchema).nullish(),
  tool_choice: ToolChoiceSchema.nullish(),
  functions: z.array(FunctionDefinitionSchema.omit({ strict: true })).nullish(),
  function_call: z.union([z.enum(['none', 'auto']), z.object({ name: z.string() })]).nullish(),
  response_format: ResponseFormatSchema.nullish(),
  reasoning_effort: z.enum(REASONING_EFFORTS).nullish(),
  safety_identifier: z.string().nullish(),
  prompt_cache_key: z.string().nullish(),
  prompt_cache_retention: z.string().nullish(),
  prompt_cache_options: z.unknown().optional(),
  modalities: z.array(z.enum(['text', 'audio'])).nullish(),
  prediction: z.unknown().optional(),
  audio: z.unknown().optional(),
  verbosity: z.enum(['low', 'medium', 'high']).nullish(),
  web_search_options: z.unknown().optional(),
  moderation: z.unknown().optional(),
  // Anthropic / Portico extensions (OpenAI SDK `extra_body`)
  thinking: ThinkingParamSchema.nullish(),
  top_k: integer(1).nullish(),
  cache_control: CacheControlSchema.nullish(),
});

export type ChatCompletionRequest = z.output<typeof ChatCompletionRequestSchema>;
export type ChatMessage = ChatCompletionRequest['messages'][number];
export type ChatTool = NonNullable<ChatCompletionRequest['tools']>[number];
export type ChatToolChoice = NonNullable<ChatCompletionRequest['tool_choice']>;
export type ChatResponseFormat = NonNullable<ChatCompletionRequest['response_format']>;
export type ChatThinkingParam = NonNullable<ChatCompletionRequest['thinking']>;
export type ChatCacheControl = z.output<typeof CacheControlSchema>;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

export const KNOWN_TOP_LEVEL_FIELDS: ReadonlySet<string> = new Set(Object.keys(ChatCompletionRequestSchema.shape));

/** Top-level keys the schema does not know (accepted, never forwarded). */
export function unknownTopLevelFields(body: Record<string, unknown>): string[] {
  return Object.keys(body).filter((k) => !KNOWN_TOP_LEVEL_FIELDS.has(k));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validate a parsed JSON body; throws GatewayError('invalid_request') with an OpenAI-style message. */
export function parseChatCompletionRequest(body: unknown): ChatCompletionRequest {
  if (!isPlainObject(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.', { param: null });
  }
  const valid = parsePresentFields(body);
  if (valid !== null) return valid;
  // Invalid: the whole-object parse reports the first issue in the schema's own order, as always.
  const result = ChatCompletionRequestSchema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  const { message, param } = describeIssue(result.error.issues[0]!);
  throw new GatewayError('invalid_request', message, { param });
}

const FIELD_SCHEMAS: Readonly<Record<string, z.ZodType>> = ChatCompletionRequestSchema.shape;

/**
 * The success path of `ChatCompletionRequestSchema.parse`, field by field over the keys the body
 * has (a request carries a handful of the schema's ~45 optional fields; the object parse visits
 * all of them: about 3× the CPU on a typical body). Same field schemas, same output (unknown keys
 * dropped, absent ones absent); null as soon as anything is invalid or `messages` is missing.
 */
function parsePresentFields(body: Record<string, unknown>): ChatCompletionRequest | null {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(body)) {
    if (!Object.hasOwn(FIELD_SCHEMAS, key)) continue;
    const result = FIELD_SCHEMAS[key]!.safeParse(body[key]);
    if (!result.success) return null;
    if (result.data !== undefined) out[key] = result.data;
  }
  return out.messages === undefined ? null : (out as ChatCompletionRequest);
}

// ---------------------------------------------------------------------------------------------
// OpenAI-style messages from zod issues

type Issue = z.core.$ZodIssue;
type Path = ReadonlyArray<PropertyKey>;

/** `['messages', 2, 'content', 1, 'image_url', 'url']` → `messages[2].content[1].image_url.url`. */
export function toParam(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a decimal';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

const EXPECTED: Record<string, string> = {
  number: 'a number', int: 'an integer', string: 'a string', boolean: 'a boolean',
  array: 'an array', object: 'an object', record: 'an object',
};

function quoteList(values: readonly unknown[]): string {
  const q = values.map((v) => `'${String(v)}'`);
  if (q.length <= 1) return q.join('');
  if (q.length === 2) return `${q[0]} and ${q[1]}`;
  return `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
}

function describeIssue(issue: Issue, prefix: Path = []): { message: string; param: string | null } {
  const path = [...prefix, ...issue.path];
  const param = path.length === 0 ? null : toParam(path);
  const p = param ?? 'body';
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) return { message: `Missing required parameter: '${p}'.`, param };
      const exp = issue.message === 'integer' ? 'an integer' : EXPECTED[issue.expected] ?? issue.expected;
      return { message: `Invalid type for '${p}': expected ${exp}, but got ${describeValue(input)} instead.`, param };
    }
    case 'too_big':
    case 'too_small': {
      const above = issue.code === 'too_big';
      const limit = above ? (issue as { maximum: number | bigint }).maximum : (issue as { minimum: number | bigint }).minimum;
      if (issue.origin === 'array') {
        const len = Array.isArray(input) ? input.length : 0;
        if (!above && len === 0) {
          return { message: `Invalid '${p}': empty array. Expected an array with minimum length ${limit}, but got an empty array instead.`, param };
        }
        return {
          message: `Invalid '${p}': array too ${above ? 'long' : 'short'}. Expected an array with ${above ? 'maximum' : 'minimum'} length ${limit}, but got an array with length ${len} instead.`,
          param,
        };
      }
      if (issue.origin === 'string') {
        const len = typeof input === 'string' ? input.length : 0;
        return {
          message: `Invalid '${p}': string too ${above ? 'long' : 'short'}. Expected a string with ${above ? 'maximum' : 'minimum'} length ${limit}, but got a string with length ${len} instead.`,
          param,
        };
      }
      const kind = issue.message === 'integer' ? 'integer' : 'decimal';
      return {
        message: `Invalid '${p}': ${kind} ${above ? 'above maximum' : 'below minimum'} value. Expected a value ${above ? '<=' : '>='} ${limit}, but got ${show(input)} instead.`,
        param,
      };
    }
    case 'invalid_value':
      return { message: `Invalid value: '${show(input)}'. Supported values are: ${quoteList(issue.values)}.`, param };
    case 'invalid_format':
      if (issue.format === 'regex') {
        const pattern = String((issue as { pattern?: unknown }).pattern ?? '').replace(/^\/(.*)\/[a-z]*$/, '$1');
        return { message: `Invalid '${p}': string does not match pattern. Expected a string that matches the pattern '${pattern}'.`, param };
      }
      return { message: `Invalid '${p}': ${issue.message}.`, param };
    case 'invalid_union':
      return describeUnion(issue, path);
    default:
      return { message: `Invalid '${p}': ${issue.message}.`, param };
  }
}

function describeUnion(issue: Extract<Issue, { code: 'invalid_union' }>, path: Path): { message: string; param: string | null } {
  const param = toParam(path);
  const input = (issue as { input?: unknown }).input;
  const disc = (issue as { discriminator?: string }).discriminator;
  const options = (issue as { options?: unknown[] }).options;
  if (disc !== undefined) {
    // zod already appends the discriminator key to the path.
    const value = isPlainObject(input) ? input[disc] : undefined;
    if (value === undefined) return { message: `Missing required parameter: '${param}'.`, param };
    return { message: `Invalid value: '${show(value)}'. Supported values are: ${quoteList(options ?? [])}.`, param };
  }
  // A union of shapes (string | array, …): report inside the branch the input actually matched by
  // type; when every branch fails on the type itself, say which types were expected.
  const branches = issue.errors.filter((b) => b.length > 0);
  const rootMismatch = (i: Issue): boolean =>
    i.path.length === 0 && (i.code === 'invalid_type' || (i.code === 'invalid_value' && i.values.some((v) => typeof v !== typeof input)));
  const deeper = branches.find((b) => !rootMismatch(b[0]!));
  if (deeper) return describeIssue(deeper[0]!, path);
  if (input === undefined) return { message: `Missing required parameter: '${param}'.`, param };
  const expected = branches
    .map((b) => b[0]!)
    .map((i) => (i.code === 'invalid_type' ? EXPECTED[i.expected] ?? i.expected : i.code === 'invalid_value' ? EXPECTED[typeof i.values[0]] ?? 'a value' : 'a value'));
  return {
    message: `Invalid type for '${param}': expected one of ${[...new Set(expected)].join(' or ')}, but got ${describeValue(input)} instead.`,
    param,
  };
}
