/**
 * Request validation of the fake Anthropic upstream: as strict as the real Messages API, so that the
 * gateway's translation (protocol.md §6) is really exercised. Messages are the real API's texts where
 * protocol.md §3.5 / §0 quote them; the rest follow the API's pydantic style (`<path>: <problem>`).
 *
 * Table-driven: `RULES` is an ordered list of named checks; the first failing rule answers. Each rule
 * returns `undefined` (pass), a string (400 invalid_request_error) or a full failure (e.g. 404).
 * @see ../../../shared/protocol.md §3 (request), §3.5 (error texts), §0 (model quirks)
 */
import { fakeModelCaps, type FakeModelCaps } from './fake-anthropic-models.ts';
import {
  BLOCK_TYPES, BLOCKS, KIND_TEXT, MAX_CACHE_BREAKPOINTS, TOOL_NAME_PATTERN, TOP_LEVEL_FIELDS,
  badTag, checkBlock, checkCacheControl, checkRange, checkShape, checkText, enumMsg, extra, hasKind, isObj,
  type BlockPass, type Json, type Role, type Shape,
} from './fake-anthropic-validate-parts.ts';

export interface ValidationFailure {
  status: 400 | 404;
  type: 'invalid_request_error' | 'not_found_error';
  message: string;
}

type Outcome = string | ValidationFailure | undefined;

interface Ctx {
  body: Json;
  /** Set by the `model-known` rule; every later rule may rely on it. */
  caps: FakeModelCaps;
  model: string;
}

export interface Rule {
  id: string;
  check: (ctx: Ctx) => Outcome;
}

// ---------------------------------------------------------------------------------------------
// conversation helpers

const messagesOf = (ctx: Ctx): Json[] => ctx.body.messages as Json[];
const blocksOf = (m: Json): Json[] => (Array.isArray(m.content) ? (m.content as Json[]) : []);
const toolUseIdsOf = (m: Json): string[] =>
  m.role === 'assistant' ? blocksOf(m).filter((b) => b.type === 'tool_use').map((b) => b.id as string) : [];
const thinkingOn = (ctx: Ctx): boolean => {
  const t = ctx.body.thinking;
  return isObj(t) && (t.type === 'enabled' || t.type === 'adaptive');
};
const forcedToolChoice = (ctx: Ctx): boolean => {
  const tc = ctx.body.tool_choice;
  return isObj(tc) && (tc.type === 'any' || tc.type === 'tool');
};

/**
 * Consecutive same-role messages "will be combined into a single turn" server-side (§3.2), so tool
 * pairing is checked per turn, not per message: user(tool_result a), user(tool_result b) is valid.
 */
interface Turn { role: Role; indices: number[]; blocks: Json[] }
function turnsOf(ms: Json[]): Turn[] {
  const turns: Turn[] = [];
  ms.forEach((m, i) => {
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : blocksOf(m);
    const last = turns[turns.length - 1];
    if (last && last.role === m.role) {
      last.indices.push(i);
      last.blocks.push(...blocks);
    } else turns.push({ role: m.role as Role, indices: [i], blocks: [...blocks] });
  });
  return turns;
}

/** Counts cache_control breakpoints while validating; shared by the system/messages/tools rules. */
const cacheCounters = new WeakMap<Ctx, { n: number }>();
const cacheCounter = (ctx: Ctx): { n: number } => {
  let c = cacheCounters.get(ctx);
  if (!c) cacheCounters.set(ctx, (c = { n: 0 }));
  return c;
};

// ---------------------------------------------------------------------------------------------
// the rule table (first failure wins; order mirrors "schema first, then semantics")

export const RULES: readonly Rule[] = [
  {
    id: 'top-level-fields: unknown top-level fields are rejected; known ones have the right JSON type',
    check: ({ body }) => checkShape(body, '', { optional: TOP_LEVEL_FIELDS }),
  },
  { id: 'model-required', check: ({ body }) => (!('model' in body) ? 'model: Field required' : typeof body.model !== 'string' ? `model: ${KIND_TEXT.string}` : undefined) },
  {
    id: 'model-known: unknown or retired model -> 404 not_found_error `model: <id>`',
    check: (ctx) => {
      const caps = fakeModelCaps(ctx.body.model as string);
      if (!caps) return { status: 404, type: 'not_found_error', message: `model: ${String(ctx.body.model)}` };
      ctx.caps = caps;
      ctx.model = ctx.body.model as string;
      return undefined;
    },
  },
  {
    id: 'max_tokens: required integer >= 1 and <= the model maximum',
    check: ({ body, caps }) => {
      const mt = body.max_tokens;
      if (mt === undefined) return 'max_tokens: Field required';
      if (!hasKind(mt, 'integer')) return `max_tokens: ${KIND_TEXT.integer}`;
      const n = mt as number;
      if (n < 1) return 'max_tokens: Input should be greater than or equal to 1';
      if (n > caps.maxTokens) return `max_tokens: ${n} > ${caps.maxTokens}, which is the maximum allowed number of output tokens for ${caps.resolved}`;
      return undefined;
    },
  },
  {
    id: 'messages-shape: non-empty list of {role: user|assistant, content}',
    check: ({ body }) => {
      const ms = body.messages;
      if (ms === undefined) return 'messages: Field required';
      if (!Array.isArray(ms)) return `messages: ${KIND_TEXT.list}`;
      if (ms.length === 0) return 'messages: at least one message is required';
      for (let i = 0; i < ms.length; i++) {
        const m: unknown = ms[i];
        const p = `messages.${i}`;
        if (!isObj(m)) return `${p}: ${KIND_TEXT.object}`;
        const shape = checkShape(m, p, { required: { role: 'string', content: 'any' } });
        if (shape) return shape;
        if (m.role !== 'user' && m.role !== 'assistant') return enumMsg(`${p}.role`, ['user', 'assistant']);
        if (typeof m.content !== 'string' && !Array.isArray(m.content)) return `${p}.content: ${KIND_TEXT.list}`;
      }
      return undefined;
    },
  },
  {
    id: 'messages-content: "" / whitespace-only text, empty content lists, block types, block fields, roles, images, documents, cache_control, tool_use ids (pattern, unique)',
    check: (ctx) => {
      const ms = messagesOf(ctx);
      const pass: BlockPass = { cache: cacheCounter(ctx), toolUseIds: new Set() };
      for (let i = 0; i < ms.length; i++) {
        const m = ms[i];
        const role = m.role as Role;
        if (typeof m.content === 'string') {
          const err = checkText(m.content, 'messages');
          if (err) return err;
          continue;
        }
        const blocks = m.content as unknown[];
        if (blocks.length === 0 && !(i === ms.length - 1 && role === 'assistant')) {
          return 'messages: all messages must have non-empty content except for the optional final assistant message';
        }
        for (let j = 0; j < blocks.length; j++) {
          const err = checkBlock(blocks[j], `messages.${i}.content.${j}`, role, pass, BLOCK_TYPES);
          if (err) return err;
        }
      }
      return undefined;
    },
  },
  {
    id: 'tool-results-follow-tool-uses: every tool_use needs a tool_result at the start of the next user turn',
    check: (ctx) => {
      const turns = turnsOf(messagesOf(ctx));
      for (let t = 0; t < turns.length; t++) {
        const turn = turns[t];
        const ids = turn.role === 'assistant' ? turn.blocks.filter((b) => b.type === 'tool_use').map((b) => b.id as string) : [];
        if (ids.length === 0) continue;
        const at = turn.indices.find((i) => toolUseIdsOf(messagesOf(ctx)[i]).length > 0) ?? turn.indices[0];
        const missingMsg = (missing: string[]) =>
          `messages.${at}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
        const next = turns[t + 1];
        if (!next) return missingMsg(ids);
        const leading = new Set<string>();
        for (const b of next.blocks) {
          if (b.type !== 'tool_result') break;
          leading.add(b.tool_use_id as string);
        }
        const missing = ids.filter((id) => !leading.has(id));
        if (missing.length === 0) continue;
        const anywhere = new Set(next.blocks.filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id as string));
        if (missing.every((id) => anywhere.has(id))) {
          return `Did not find ${ids.length} tool_result block(s) at the beginning of this message. Messages following tool_use blocks must begin with a matching number of tool_result blocks.`;
        }
        return missingMsg(missing);
      }
      return undefined;
    },
  },
  {
    id: 'tool-results-have-tool-uses: a tool_result must answer a tool_use of the previous assistant turn',
    check: (ctx) => {
      const ms = messagesOf(ctx);
      const turns = turnsOf(ms);
      for (let t = 0; t < turns.length; t++) {
        if (turns[t].role !== 'user') continue;
        const prev = new Set(t > 0 ? turns[t - 1].indices.flatMap((i) => toolUseIdsOf(ms[i])) : []);
        for (const i of turns[t].indices) {
          const blocks = blocksOf(ms[i]);
          for (let j = 0; j < blocks.length; j++) {
            const b = blocks[j];
            if (b.type === 'tool_result' && !prev.has(b.tool_use_id as string)) {
              return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(b.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
            }
          }
        }
      }
      return undefined;
    },
  },
  {
    id: 'prefill: final assistant message rejected on 4.6+/5.x; on older models it must not end with whitespace',
    check: (ctx) => {
      const ms = messagesOf(ctx);
      const last = ms[ms.length - 1];
      if (last.role !== 'assistant') return undefined;
      if (ctx.caps.prefillRejected) return 'This model does not support assistant message prefill. The conversation must end with a user message.';
      let tail: string | undefined;
      if (typeof last.content === 'string') tail = last.content;
      else {
        const blocks = blocksOf(last);
        const lastBlock = blocks[blocks.length - 1];
        if (lastBlock && lastBlock.type === 'text') tail = lastBlock.text as string;
      }
      if (tail !== undefined && /\s$/.test(tail)) return 'messages: final assistant content cannot end with trailing whitespace';
      return undefined;
    },
  },
  {
    id: 'system: string or list of text blocks (non-empty, non-whitespace, cache_control)',
    check: (ctx) => {
      const s = ctx.body.system;
      if (s === undefined || typeof s === 'string') return undefined;
      if (!Array.isArray(s)) return `system: ${KIND_TEXT.string}`;
      for (let j = 0; j < s.length; j++) {
        const b: unknown = s[j];
        const p = `system.${j}`;
        if (!isObj(b)) return `${p}: ${KIND_TEXT.object}`;
        if (b.type !== 'text') return badTag(p, b.type, ['text']);
        const shape = checkShape(b, `${p}.text`, BLOCKS.text);
        if (shape) return shape;
        if ('cache_control' in b) {
          const cc = checkCacheControl(b.cache_control, `${p}.cache_control`, cacheCounter(ctx));
          if (cc) return cc;
        }
        const t = checkText(b.text as string, 'system');
        if (t) return t;
      }
      return undefined;
    },
  },
  {
    id: 'sampling-ranges: temperature 0..1, top_p 0..1, top_k >= 0',
    check: ({ body }) => checkRange(body.temperature, 'temperature', 0, 1) ?? checkRange(body.top_p, 'top_p', 0, 1) ?? checkRange(body.top_k, 'top_k', 0),
  },
  {
    id: 'sampling-locked: Opus 4.7+/5.x accept only temperature 1, top_p >= 0.99 and no top_k',
    check: ({ body, caps }) => {
      if (!caps.samplingLocked) return undefined;
      if (body.temperature !== undefined && body.temperature !== 1) return '`temperature` is deprecated for this model.';
      if (body.top_p !== undefined && (body.top_p as number) < 0.99) return '`top_p` is deprecated for this model.';
      if (body.top_k !== undefined) return '`top_k` is deprecated for this model.';
      return undefined;
    },
  },
  {
    id: 'sampling-pair: temperature and top_p together rejected on Sonnet/Haiku/Opus 4.5, Sonnet 4.6, Opus 4.6',
    check: ({ body, caps }) =>
      caps.samplingPairRejected && body.temperature !== undefined && body.top_p !== undefined
        ? '`temperature` and `top_p` cannot both be specified for this model. Please use only one.'
        : undefined,
  },
  {
    id: 'stop_sequences: list of non-whitespace strings',
    check: ({ body }) => {
      const ss = body.stop_sequences as unknown[] | undefined;
      if (!ss) return undefined;
      for (let i = 0; i < ss.length; i++) {
        if (typeof ss[i] !== 'string') return `stop_sequences.${i}: ${KIND_TEXT.string}`;
        if ((ss[i] as string).trim() === '') return 'stop_sequences: each stop sequence must contain non-whitespace characters';
      }
      return undefined;
    },
  },
  {
    id: 'metadata: only user_id (string or null)',
    check: ({ body }) => {
      const md = body.metadata as Json | undefined;
      if (!md) return undefined;
      for (const k of Object.keys(md)) if (k !== 'user_id') return extra('metadata', k);
      if (md.user_id !== undefined && md.user_id !== null && typeof md.user_id !== 'string') return `metadata.user_id: ${KIND_TEXT.string}`;
      return undefined;
    },
  },
  {
    id: 'service_tier / stream / inference_geo / top-level cache_control values',
    check: (ctx) => {
      const { body } = ctx;
      if (body.service_tier !== undefined && body.service_tier !== 'auto' && body.service_tier !== 'standard_only') {
        return enumMsg('service_tier', ['auto', 'standard_only']);
      }
      if (body.cache_control !== undefined) return checkCacheControl(body.cache_control, 'cache_control', cacheCounter(ctx));
      return undefined;
    },
  },
  {
    id: 'tools: name ^[a-zA-Z0-9_-]{1,128}$ and unique, input_schema type object without root oneOf/anyOf/allOf, cache_control',
    check: (ctx) => {
      const tools = ctx.body.tools as unknown[] | undefined;
      if (!tools) return undefined;
      const names = new Set<string>();
      for (let i = 0; i < tools.length; i++) {
        const t: unknown = tools[i];
        const p = `tools.${i}`;
        if (!isObj(t)) return `${p}: ${KIND_TEXT.object}`;
        if (t.type !== undefined && t.type !== 'custom') {
          // Server tools have versioned types (web_search_20250305 …); out of scope, accepted as-is.
          if (typeof t.type === 'string' && /^[a-z_]+_\d{8}$/.test(t.type)) continue;
          return badTag(p, t.type, ['custom']);
        }
        const cp = `${p}.custom`;
        const shape = checkShape(t, cp, {
          required: { name: 'string', input_schema: 'object' },
          optional: { type: 'any', description: 'string', cache_control: 'any', strict: 'boolean' },
        });
        if (shape) return shape;
        const name = t.name as string;
        if (!TOOL_NAME_PATTERN.test(name)) return `${cp}.name: String should match pattern '${TOOL_NAME_PATTERN.source}'`;
        if (names.has(name)) return 'tools: Tool names must be unique.';
        names.add(name);
        const schema = t.input_schema as Json;
        if (schema.type !== 'object') return `${cp}.input_schema.type: Input should be 'object'`;
        if ('oneOf' in schema || 'anyOf' in schema || 'allOf' in schema) {
          return `${cp}.input_schema: input_schema does not support oneOf, allOf, or anyOf at the top level`;
        }
        if ('cache_control' in t) {
          const cc = checkCacheControl(t.cache_control, `${cp}.cache_control`, cacheCounter(ctx));
          if (cc) return cc;
        }
      }
      return undefined;
    },
  },
  {
    id: 'tool_choice: auto|any|tool|none shape; named tool must exist; forced choice rejected on Fable 5.1/Opus 5.5/Sonnet 5.5',
    check: ({ body, caps }) => {
      const tc = body.tool_choice as Json | undefined;
      if (!tc) return undefined;
      const shapes: Record<string, Shape> = {
        auto: { required: { type: 'string' }, optional: { disable_parallel_tool_use: 'boolean' } },
        any: { required: { type: 'string' }, optional: { disable_parallel_tool_use: 'boolean' } },
        tool: { required: { type: 'string', name: 'string' }, optional: { disable_parallel_tool_use: 'boolean' } },
        none: { required: { type: 'string' } },
      };
      const spec = typeof tc.type === 'string' ? shapes[tc.type] : undefined;
      if (!spec) return badTag('tool_choice', tc.type, Object.keys(shapes));
      const shape = checkShape(tc, `tool_choice.${String(tc.type)}`, spec);
      if (shape) return shape;
      if (tc.type === 'any' || tc.type === 'tool') {
        if (caps.forcedToolChoiceRejected) return 'tool_choice: type "tool" and "any" are not supported for this model.';
        const tools = (body.tools as Json[] | undefined) ?? [];
        if (tools.length === 0) return 'tool_choice: tool_choice may only be specified while providing tools';
        if (tc.type === 'tool' && !tools.some((t) => t.name === tc.name)) {
          return `tool_choice.tool.name: Tool '${String(tc.name)}' not found in the provided tools`;
        }
      }
      return undefined;
    },
  },
  {
    id: 'thinking: enabled{budget_tokens >= 1024, < max_tokens} | adaptive | disabled; per-model support',
    check: ({ body, caps }) => {
      const th = body.thinking as Json | undefined;
      if (!th) return undefined;
      const display = { display: 'string' } as const;
      const shapes: Record<string, Shape> = {
        enabled: { required: { type: 'string', budget_tokens: 'integer' }, optional: display },
        adaptive: { required: { type: 'string' }, optional: display },
        disabled: { required: { type: 'string' } },
      };
      const spec = typeof th.type === 'string' ? shapes[th.type] : undefined;
      if (!spec) return badTag('thinking', th.type, Object.keys(shapes));
      const p = `thinking.${String(th.type)}`;
      const shape = checkShape(th, p, spec);
      if (shape) return shape;
      if (th.display !== undefined && th.display !== 'summarized' && th.display !== 'omitted') return enumMsg(`${p}.display`, ['summarized', 'omitted']);
      switch (th.type) {
        case 'enabled': {
          if (caps.thinking === 'adaptive-only') {
            return '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.';
          }
          const budget = th.budget_tokens as number;
          if (budget < 1024) return `${p}.budget_tokens: Input should be greater than or equal to 1024`;
          if (budget >= (body.max_tokens as number)) return '`max_tokens` must be greater than `thinking.budget_tokens`.';
          return undefined;
        }
        case 'adaptive':
          return caps.thinking === 'manual-only'
            ? '"thinking.type.adaptive" is not supported for this model. Use "thinking.type.enabled" and "thinking.budget_tokens" instead.'
            : undefined;
        default:
          return caps.thinkingAlwaysOn ? '"thinking.type.disabled" is not supported for this model.' : undefined;
      }
    },
  },
  {
    id: 'thinking-compat: with thinking on, temperature only 1, no top_k, top_p 0.95..1, no forced tool_choice',
    check: (ctx) => {
      if (!thinkingOn(ctx)) return undefined;
      const { body } = ctx;
      if (body.temperature !== undefined && body.temperature !== 1) return 'temperature may only be set to 1 when thinking is enabled';
      if (body.top_k !== undefined) return 'top_k is not compatible with thinking. Please remove top_k from your request.';
      if (body.top_p !== undefined && (body.top_p as number) < 0.95) return 'top_p must be between 0.95 and 1 when thinking is enabled';
      if (forcedToolChoice(ctx)) return 'Thinking may not be enabled when tool_choice forces tool use.';
      return undefined;
    },
  },
  {
    id: 'thinking-tool-loop: with thinking on, the assistant turn of the last tool loop must start with a thinking block',
    check: (ctx) => {
      if (!thinkingOn(ctx)) return undefined;
      const turns = turnsOf(messagesOf(ctx));
      const last = turns[turns.length - 1];
      if (last.role !== 'user' || last.blocks[0]?.type !== 'tool_result' || turns.length < 2) return undefined;
      const k = turns[turns.length - 2].indices[0];
      const first = turns[turns.length - 2].blocks[0];
      if (!first || first.type === 'thinking' || first.type === 'redacted_thinking') return undefined;
      return `messages.${k}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first.type)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`;
    },
  },
  {
    id: 'output_config: {effort?: low|medium|high|xhigh|max, format?: {type: json_schema, schema: object}}',
    check: ({ body }) => {
      const oc = body.output_config as Json | undefined;
      if (!oc) return undefined;
      const shape = checkShape(oc, 'output_config', { optional: { effort: 'string', format: 'object' } });
      if (shape) return shape;
      const efforts = ['low', 'medium', 'high', 'xhigh', 'max'];
      if (oc.effort !== undefined && !efforts.includes(oc.effort as string)) return enumMsg('output_config.effort', efforts);
      const f = oc.format as Json | undefined;
      if (!f) return undefined;
      if (f.type !== 'json_schema') return badTag('output_config.format', f.type, ['json_schema']);
      return checkShape(f, 'output_config.format.json_schema', { required: { type: 'string', schema: 'object' } });
    },
  },
  {
    id: `cache-breakpoints: at most ${MAX_CACHE_BREAKPOINTS} cache_control markers`,
    check: (ctx) => {
      const n = cacheCounter(ctx).n;
      return n > MAX_CACHE_BREAKPOINTS ? `A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${n}.` : undefined;
    },
  },
];

/** Validate a parsed request body; `undefined` means the real API would accept it. */
export function validateMessagesRequest(body: unknown): ValidationFailure | undefined {
  if (!isObj(body)) return { status: 400, type: 'invalid_request_error', message: 'Input should be a valid dictionary' };
  const ctx = { body, model: '' } as Ctx;
  for (const rule of RULES) {
    const outcome = rule.check(ctx);
    if (outcome === undefined) continue;
    return typeof outcome === 'string' ? { status: 400, type: 'invalid_request_error', message: outcome } : outcome;
  }
  return undefined;
}
