/**
 * Deterministic answers of the fake Anthropic upstream: plans a reply from a (valid) request and a
 * `reply` scenario, then renders it as SSE events (protocol.md §4.2, same framing and key order as
 * fixtures/anthropic/*.sse) or as a non-streaming Message (§4.1, like nonstream-message-opus-4-7.json).
 *
 * Token accounting is a toy but consistent: one output token per emitted fragment (text chunk,
 * thinking chunk, non-empty input_json fragment); input_tokens = ceil(request text chars / 4).
 */

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ReplyUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  ephemeral_5m: number;
  ephemeral_1h: number;
}

export interface ReplyOptions {
  text?: string;
  chunks?: number;
  usage?: Partial<ReplyUsage>;
  stopReason?: string;
  toolUses?: Array<{ id?: string; name: string; input: unknown }>;
  thinking?: { text: string; signature: string };
}

export type PlannedBlock =
  | { type: 'thinking'; fragments: string[]; signature: string }
  | { type: 'text'; fragments: string[] }
  | { type: 'tool_use'; id: string; name: string; input: unknown; fragments: string[]; truncated: boolean };

export interface ReplyPlan {
  id: string;
  model: string;
  blocks: PlannedBlock[];
  stopReason: string;
  stopSequence: string | null;
  usage: { input: number; output: number; cacheRead: number; cacheCreation: number; e5m: number; e1h: number; thinking: number };
}

export interface SseEvent {
  event: string;
  /** The exact bytes of the data line's payload. */
  data: string;
}

export const DEFAULT_THINKING_TEXT = 'Let me think about this request.';
/** The literal ping payload of the real API (note the space: a different serializer; fixtures/README.md). */
export const PING_DATA = '{"type": "ping"}';

// ---------------------------------------------------------------------------------------------
// splitting

/** Split into `n` pieces along word boundaries (leading whitespace stays with its word). */
export function splitText(text: string, n: number): string[] {
  if (text === '') return [];
  const count = Math.max(1, Math.floor(n));
  const words = text.match(/\s*\S+/g) ?? [text];
  const joined = words.join('');
  if (joined.length < text.length) words[words.length - 1] += text.slice(joined.length);
  if (count > words.length) {
    const chars = Array.from(text);
    const pieces = Math.min(count, chars.length);
    return evenGroups(chars, pieces).map((g) => g.join(''));
  }
  return evenGroups(words, count).map((g) => g.join(''));
}

function evenGroups<T>(items: T[], groups: number): T[][] {
  const base = Math.floor(items.length / groups);
  let extra = items.length % groups;
  const out: T[][] = [];
  let at = 0;
  for (let g = 0; g < groups; g++) {
    const size = base + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
    out.push(items.slice(at, at + size));
    at += size;
  }
  return out;
}

/** input_json_delta fragments: first `""` like the real API, then 7-char slices cut mid-string. A tool without arguments sends only `""` (§4.2). */
export function jsonFragments(input: unknown): string[] {
  const json = JSON.stringify(input);
  if (json === '{}') return [''];
  const out = [''];
  for (let i = 0; i < json.length; i += 7) out.push(json.slice(i, i + 7));
  return out;
}

// ---------------------------------------------------------------------------------------------
// placeholders built from JSON schemas

export function placeholderFor(schema: unknown): unknown {
  if (!isObj(schema)) return 'placeholder';
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string': return 'placeholder';
    case 'integer':
    case 'number': return 1;
    case 'boolean': return true;
    case 'array': return [];
    case 'null': return null;
    case 'object': return placeholderObject(schema);
    default: return isObj(schema.properties) ? placeholderObject(schema) : 'placeholder';
  }
}

/** An object with the schema's required properties set to placeholder values. */
export function placeholderObject(schema: unknown): Json {
  const out: Json = {};
  if (!isObj(schema)) return out;
  const props = isObj(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
  for (const name of required) out[name] = placeholderFor(props[name]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// request inspection

function textOfContent(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  const out: string[] = [];
  for (const b of content) {
    if (!isObj(b)) continue;
    if (b.type === 'text' && typeof b.text === 'string') out.push(b.text);
    else if (b.type === 'tool_result') out.push(...textOfContent(b.content));
    else if (b.type === 'tool_use') out.push(JSON.stringify(b.input ?? {}));
    else if (b.type === 'thinking' && typeof b.thinking === 'string') out.push(b.thinking);
  }
  return out;
}

/** ceil(total request text characters / 4), at least 1. */
export function estimateInputTokens(body: Json): number {
  let chars = 0;
  for (const t of textOfContent(body.system)) chars += t.length;
  for (const m of (body.messages as Json[]) ?? []) for (const t of textOfContent(m.content)) chars += t.length;
  if (Array.isArray(body.tools)) chars += JSON.stringify(body.tools).length;
  return Math.max(1, Math.ceil(chars / 4));
}

function lastUserText(body: Json): string {
  const ms = (body.messages as Json[]) ?? [];
  for (let i = ms.length - 1; i >= 0; i--) {
    if (ms[i].role !== 'user') continue;
    const content = ms[i].content;
    if (typeof content === 'string') return content;
    return (Array.isArray(content) ? content : [])
      .filter((b): b is Json => isObj(b) && b.type === 'text')
      .map((b) => String(b.text))
      .join('\n');
  }
  return '';
}

function plannedToolUses(body: Json, opts: ReplyOptions): Array<{ id?: string; name: string; input: unknown }> {
  if (opts.toolUses) return opts.toolUses;
  const tools = (Array.isArray(body.tools) ? body.tools : []).filter(
    (t): t is Json => isObj(t) && (t.type === undefined || t.type === 'custom'),
  );
  const tc = isObj(body.tool_choice) ? body.tool_choice : undefined;
  if (tools.length === 0 || tc?.type === 'none') return [];
  const forced = tc?.type === 'any' || tc?.type === 'tool';
  if (!forced && !lastUserText(body).toLowerCase().includes('use a tool')) return [];
  let chosen = tc?.type === 'tool' ? tools.filter((t) => t.name === tc.name) : tools;
  if (tc?.disable_parallel_tool_use === true) chosen = chosen.slice(0, 1);
  return chosen.map((t) => ({ name: String(t.name), input: placeholderObject(t.input_schema) }));
}

// ---------------------------------------------------------------------------------------------
// planning

export function planReply(
  body: Json,
  opts: ReplyOptions,
  ids: { messageId: string; model: string; nextToolId: () => string },
  defaultText: string,
): ReplyPlan {
  const chunks = opts.chunks ?? 3;
  const toolUses = plannedToolUses(body, opts);
  const format = isObj(body.output_config) && isObj(body.output_config.format) ? body.output_config.format : undefined;

  let text: string;
  if (opts.text !== undefined) text = opts.text;
  else if (toolUses.length > 0) text = '';
  else if (format) text = JSON.stringify(placeholderFor(format.schema));
  else text = defaultText;

  // stop_sequences: generation stops before the earliest match; the stop text is not in content (§4.1).
  let stopSequence: string | null = null;
  const stops = Array.isArray(body.stop_sequences) ? (body.stop_sequences as string[]) : [];
  let cutAt = -1;
  for (const s of stops) {
    const at = text.indexOf(s);
    if (at >= 0 && (cutAt < 0 || at < cutAt)) {
      cutAt = at;
      stopSequence = s;
    }
  }
  if (cutAt >= 0) text = text.slice(0, cutAt);

  const blocks: PlannedBlock[] = [];
  const thinking = isObj(body.thinking) ? body.thinking : undefined;
  if (opts.thinking || thinking?.type === 'enabled' || thinking?.type === 'adaptive') {
    const omitted = thinking?.display === 'omitted';
    blocks.push({
      type: 'thinking',
      fragments: omitted ? [] : splitText(opts.thinking?.text ?? DEFAULT_THINKING_TEXT, 3),
      signature: opts.thinking?.signature ?? Buffer.from(`fake-signature:${ids.messageId}`).toString('base64'),
    });
  }
  if (text !== '') blocks.push({ type: 'text', fragments: format && opts.text === undefined ? splitChars(text, chunks) : splitText(text, chunks) });
  if (stopSequence === null) {
    for (const t of toolUses) {
      blocks.push({ type: 'tool_use', id: t.id ?? ids.nextToolId(), name: t.name, input: t.input, fragments: jsonFragments(t.input), truncated: false });
    }
  }

  // max_tokens: one token per non-empty fragment; cut the block that crosses the limit.
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : Infinity;
  let remaining = maxTokens;
  let truncated = false;
  const kept: PlannedBlock[] = [];
  for (const block of blocks) {
    if (remaining <= 0 && block.fragments.some((f) => f !== '')) {
      truncated = true;
      break;
    }
    const cost = block.fragments.filter((f) => f !== '').length;
    if (cost <= remaining) {
      kept.push(block);
      remaining -= cost;
      continue;
    }
    const frags: string[] = [];
    for (const f of block.fragments) {
      if (f !== '' && remaining === 0) break;
      frags.push(f);
      if (f !== '') remaining--;
    }
    kept.push(block.type === 'tool_use' ? { ...block, fragments: frags, truncated: true } : { ...block, fragments: frags });
    truncated = true;
    break;
  }

  const thinkingTokens = kept.filter((b) => b.type === 'thinking').reduce((n, b) => n + b.fragments.filter((f) => f !== '').length, 0);
  const produced = kept.reduce((n, b) => n + b.fragments.filter((f) => f !== '').length, 0);
  const stopReason =
    opts.stopReason ??
    (truncated ? 'max_tokens' : stopSequence !== null ? 'stop_sequence' : kept.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');

  const u = opts.usage ?? {};
  const e1h = u.ephemeral_1h ?? 0;
  const cacheCreation = u.cache_creation_input_tokens ?? (u.ephemeral_5m ?? 0) + e1h;
  return {
    id: ids.messageId,
    model: ids.model,
    blocks: kept,
    stopReason,
    stopSequence: stopReason === 'stop_sequence' ? stopSequence : null,
    usage: {
      input: u.input_tokens ?? estimateInputTokens(body),
      output: u.output_tokens ?? Math.max(1, produced),
      cacheRead: u.cache_read_input_tokens ?? 0,
      cacheCreation,
      e5m: u.ephemeral_5m ?? Math.max(0, cacheCreation - e1h),
      e1h,
      thinking: thinkingTokens,
    },
  };
}

function splitChars(text: string, n: number): string[] {
  const chars = Array.from(text);
  return evenGroups(chars, Math.max(1, Math.min(Math.floor(n), chars.length))).map((g) => g.join(''));
}

// ---------------------------------------------------------------------------------------------
// rendering

function cacheUsage(plan: ReplyPlan) {
  return {
    cache_creation_input_tokens: plan.usage.cacheCreation,
    cache_read_input_tokens: plan.usage.cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: plan.usage.e5m, ephemeral_1h_input_tokens: plan.usage.e1h },
  };
}

const ev = (data: Json): SseEvent => ({ event: String(data.type), data: JSON.stringify(data) });

/** The full event sequence of a successful stream (§4.2): start, blocks (ping after the first block start), delta, stop. */
export function streamEvents(plan: ReplyPlan): SseEvent[] {
  const out: SseEvent[] = [];
  out.push(
    ev({
      type: 'message_start',
      message: {
        id: plan.id,
        type: 'message',
        role: 'assistant',
        model: plan.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: plan.usage.input, ...cacheUsage(plan), output_tokens: 1, service_tier: 'standard' },
      },
    }),
  );
  if (plan.blocks.length === 0) out.push({ event: 'ping', data: PING_DATA });
  plan.blocks.forEach((block, index) => {
    const delta = (d: Json) => ev({ type: 'content_block_delta', index, delta: d });
    switch (block.type) {
      case 'thinking':
        out.push(ev({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
        if (index === 0) out.push({ event: 'ping', data: PING_DATA });
        for (const f of block.fragments) out.push(delta({ type: 'thinking_delta', thinking: f }));
        out.push(delta({ type: 'signature_delta', signature: block.signature }));
        break;
      case 'text':
        out.push(ev({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
        if (index === 0) out.push({ event: 'ping', data: PING_DATA });
        for (const f of block.fragments) out.push(delta({ type: 'text_delta', text: f }));
        break;
      case 'tool_use':
        out.push(ev({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }));
        if (index === 0) out.push({ event: 'ping', data: PING_DATA });
        for (const f of block.fragments) out.push(delta({ type: 'input_json_delta', partial_json: f }));
        break;
    }
    out.push(ev({ type: 'content_block_stop', index }));
  });
  out.push(
    ev({
      type: 'message_delta',
      delta: { stop_reason: plan.stopReason, stop_sequence: plan.stopSequence },
      usage: {
        input_tokens: plan.usage.input,
        cache_creation_input_tokens: plan.usage.cacheCreation,
        cache_read_input_tokens: plan.usage.cacheRead,
        output_tokens: plan.usage.output,
      },
    }),
  );
  out.push(ev({ type: 'message_stop' }));
  return out;
}

/** SSE wire form of one event: `event: <type>\ndata: <json>\n\n`, LF only. */
export const frameEvent = (e: SseEvent): string => `event: ${e.event}\ndata: ${e.data}\n\n`;

function toolInput(block: Extract<PlannedBlock, { type: 'tool_use' }>): unknown {
  if (!block.truncated) return block.input;
  try {
    return JSON.parse(block.fragments.join(''));
  } catch {
    return {};
  }
}

/** Non-streaming Message, key order as in fixtures/anthropic/nonstream-message-opus-4-7.json. */
export function messageObject(plan: ReplyPlan): Json {
  const content = plan.blocks.map((b): Json => {
    switch (b.type) {
      case 'thinking': return { type: 'thinking', thinking: b.fragments.join(''), signature: b.signature };
      case 'text': return { type: 'text', text: b.fragments.join('') };
      case 'tool_use': return { type: 'tool_use', id: b.id, name: b.name, input: toolInput(b) };
    }
  });
  return {
    model: plan.model,
    id: plan.id,
    type: 'message',
    role: 'assistant',
    content,
    stop_reason: plan.stopReason,
    stop_sequence: plan.stopSequence,
    stop_details: null,
    usage: {
      input_tokens: plan.usage.input,
      ...cacheUsage(plan),
      output_tokens: plan.usage.output,
      output_tokens_details: { thinking_tokens: plan.usage.thinking },
      service_tier: 'standard',
      inference_geo: 'global',
    },
  };
}
