/**
 * Building blocks of the fake upstream's validator (fake-anthropic-validate.ts): pydantic-style
 * message helpers, the field tables of protocol.md §3.2–§3.4 and the per-part checks (content
 * blocks, image/document sources, cache_control).
 * @see ../../../shared/protocol.md §3.3 (blocks), §3.7 (cache_control), A-VISION (media types)
 */

export type Json = Record<string, unknown>;
export type Role = 'user' | 'assistant';

// ---------------------------------------------------------------------------------------------
// small helpers

export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const join = (path: string, key: string | number): string => (path === '' ? String(key) : `${path}.${key}`);
export const extra = (path: string, key: string): string => `${join(path, key)}: Extra inputs are not permitted`;
export const tagList = (tags: readonly string[]): string => tags.map((t) => `'${t}'`).join(', ');
export const badTag = (path: string, tag: unknown, tags: readonly string[]): string =>
  `${path}: Input tag '${String(tag)}' found using 'type' does not match any of the expected tags: ${tagList(tags)}`;
export const enumMsg = (path: string, values: readonly string[]): string => {
  const quoted = values.map((v) => `'${v}'`);
  const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}` : quoted[0];
  return `${path}: Input should be ${list}`;
};

export type FieldKind = 'string' | 'object' | 'boolean' | 'integer' | 'number' | 'list';
export const KIND_TEXT: Record<FieldKind, string> = {
  string: 'Input should be a valid string',
  object: 'Input should be a valid dictionary',
  boolean: 'Input should be a valid boolean',
  integer: 'Input should be a valid integer',
  number: 'Input should be a valid number',
  list: 'Input should be a valid list',
};
export function hasKind(v: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string': return typeof v === 'string';
    case 'object': return isObj(v);
    case 'boolean': return typeof v === 'boolean';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'list': return Array.isArray(v);
  }
}

/** Field table check: unknown keys, required keys, value kinds. */
export interface Shape { required?: Record<string, FieldKind | 'any'>; optional?: Record<string, FieldKind | 'any'> }
export function checkShape(obj: Json, path: string, shape: Shape): string | undefined {
  const req = shape.required ?? {};
  const opt = shape.optional ?? {};
  for (const key of Object.keys(obj)) if (!(key in req) && !(key in opt)) return extra(path, key);
  for (const [key, kind] of Object.entries(req)) {
    if (!(key in obj)) return `${join(path, key)}: Field required`;
    if (kind !== 'any' && !hasKind(obj[key], kind)) return `${join(path, key)}: ${KIND_TEXT[kind]}`;
  }
  for (const [key, kind] of Object.entries(opt)) {
    if (key in obj && kind !== 'any' && !hasKind(obj[key], kind)) return `${join(path, key)}: ${KIND_TEXT[kind]}`;
  }
  return undefined;
}

export function checkRange(value: unknown, path: string, min: number, max?: number): string | undefined {
  if (typeof value !== 'number') return undefined;
  if (value < min) return `${path}: Input should be greater than or equal to ${min}`;
  if (max !== undefined && value > max) return `${path}: Input should be less than or equal to ${max}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// field tables (protocol.md §3.2–§3.4)

/** Top-level fields of MessageCreateParams that the API accepts without a beta header. */
export const TOP_LEVEL_FIELDS: Readonly<Record<string, FieldKind | 'any'>> = {
  model: 'any', max_tokens: 'any', messages: 'any', system: 'any', temperature: 'number', top_p: 'number',
  top_k: 'integer', stop_sequences: 'list', stream: 'boolean', metadata: 'object', tools: 'list',
  tool_choice: 'object', thinking: 'object', output_config: 'object', service_tier: 'string',
  cache_control: 'object', inference_geo: 'string',
};

export const BLOCK_TYPES = ['text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'] as const;
export type BlockType = (typeof BLOCK_TYPES)[number];

/** Content blocks: fields, the roles they may appear in (§3.3), and whether cache_control is allowed (§3.7). */
export const BLOCKS: Record<BlockType, Shape & { roles: readonly Role[] }> = {
  text: { required: { text: 'string' }, optional: { type: 'any', cache_control: 'any', citations: 'any' }, roles: ['user', 'assistant'] },
  image: { required: { source: 'object' }, optional: { type: 'any', cache_control: 'any' }, roles: ['user', 'assistant'] },
  document: {
    required: { source: 'object' },
    optional: { type: 'any', title: 'string', context: 'string', citations: 'object', cache_control: 'any' },
    roles: ['user', 'assistant'],
  },
  tool_use: { required: { id: 'string', name: 'string', input: 'object' }, optional: { type: 'any', cache_control: 'any' }, roles: ['assistant'] },
  tool_result: {
    required: { tool_use_id: 'string' },
    optional: { type: 'any', content: 'any', is_error: 'boolean', cache_control: 'any' },
    roles: ['user'],
  },
  thinking: { required: { thinking: 'string', signature: 'string' }, optional: { type: 'any' }, roles: ['assistant'] },
  redacted_thinking: { required: { data: 'string' }, optional: { type: 'any' }, roles: ['assistant'] },
};

export const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
export const IMAGE_SOURCES: Record<string, Shape> = {
  base64: { required: { type: 'string', media_type: 'string', data: 'string' } },
  url: { required: { type: 'string', url: 'string' } },
  file: { required: { type: 'string', file_id: 'string' } },
};
export const DOCUMENT_SOURCES: Record<string, Shape> = {
  base64: { required: { type: 'string', media_type: 'string', data: 'string' } },
  text: { required: { type: 'string', media_type: 'string', data: 'string' } },
  url: { required: { type: 'string', url: 'string' } },
  content: { required: { type: 'string', content: 'any' } },
  file: { required: { type: 'string', file_id: 'string' } },
};

export const TOOL_ID_PATTERN = /^[a-zA-Z0-9_-]+$/;
/** Documented as `{1,64}`; the current API accepts names up to 128 characters. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,128}$/;
export const MAX_CACHE_BREAKPOINTS = 4;

// ---------------------------------------------------------------------------------------------
// per-part checks

export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Recognise the image format from its magic bytes; undefined when unknown. */
export function sniffImage(b64: string): string | undefined {
  const bytes = Buffer.from(b64.slice(0, 24), 'base64');
  if (bytes.length >= 4 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 4 && bytes.toString('latin1', 0, 4) === 'GIF8') return 'image/gif';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

export function checkHttpUrl(url: string, path: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${path}: Input should be a valid URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `${path}: URL scheme should be 'http' or 'https'`;
  return undefined;
}

export function checkCacheControl(value: unknown, path: string, counter: { n: number }): string | undefined {
  if (!isObj(value)) return `${path}: ${KIND_TEXT.object}`;
  const shape = checkShape(value, path, { required: { type: 'string' }, optional: { ttl: 'string' } });
  if (shape) return shape;
  if (value.type !== 'ephemeral') return badTag(join(path, 'type'), value.type, ['ephemeral']);
  if ('ttl' in value && value.ttl !== '5m' && value.ttl !== '1h') return enumMsg(join(path, 'ttl'), ['5m', '1h']);
  counter.n += 1;
  return undefined;
}

export function checkText(text: string, prefix: 'messages' | 'system'): string | undefined {
  if (text === '') return `${prefix}: text content blocks must be non-empty`;
  if (text.trim() === '') return `${prefix}: text content blocks must contain non-whitespace text`;
  return undefined;
}

export function checkImageSource(src: Json, path: string): string | undefined {
  const kind = src.type;
  const spec = typeof kind === 'string' ? IMAGE_SOURCES[kind] : undefined;
  if (!spec) return badTag(path, kind, Object.keys(IMAGE_SOURCES));
  const p = join(path, String(kind));
  const shape = checkShape(src, p, spec);
  if (shape) return shape;
  if (kind === 'base64') {
    const mt = src.media_type as string;
    if (!(IMAGE_MEDIA_TYPES as readonly string[]).includes(mt)) return enumMsg(join(p, 'media_type'), IMAGE_MEDIA_TYPES);
    const data = src.data as string;
    if (data === '' || !BASE64.test(data)) return `${join(p, 'data')}: Invalid base64 data`;
    const sniffed = sniffImage(data);
    if (sniffed && sniffed !== mt) {
      return `${join(p, 'data')}: The image was specified using the ${mt} media type, but the image appears to be a ${sniffed} image`;
    }
  }
  if (kind === 'url') return checkHttpUrl(src.url as string, join(p, 'url'));
  return undefined;
}

export function checkDocumentSource(src: Json, path: string, role: Role, counter: { n: number }): string | undefined {
  const kind = src.type;
  const spec = typeof kind === 'string' ? DOCUMENT_SOURCES[kind] : undefined;
  if (!spec) return badTag(path, kind, Object.keys(DOCUMENT_SOURCES));
  const p = join(path, String(kind));
  const shape = checkShape(src, p, spec);
  if (shape) return shape;
  if (kind === 'base64') {
    if (src.media_type !== 'application/pdf') return enumMsg(join(p, 'media_type'), ['application/pdf']);
    const data = src.data as string;
    if (data === '' || !BASE64.test(data)) return `${join(p, 'data')}: Invalid base64 data`;
  }
  if (kind === 'text' && src.media_type !== 'text/plain') return enumMsg(join(p, 'media_type'), ['text/plain']);
  if (kind === 'url') return checkHttpUrl(src.url as string, join(p, 'url'));
  if (kind === 'content') return checkBlockList(src.content, join(p, 'content'), role, counter, ['text', 'image']);
  return undefined;
}

export interface BlockPass { cache: { n: number }; toolUseIds: Set<string> }

export function checkBlock(block: unknown, path: string, role: Role, pass: BlockPass, allowed: readonly BlockType[]): string | undefined {
  if (!isObj(block)) return `${path}: ${KIND_TEXT.object}`;
  const type = block.type;
  if (typeof type !== 'string' || !(allowed as readonly string[]).includes(type)) {
    if (!('type' in block)) return `${path}: Unable to extract tag using discriminator 'type'`;
    return badTag(path, type, allowed);
  }
  const spec = BLOCKS[type as BlockType];
  const p = join(path, type);
  const shape = checkShape(block, p, spec);
  if (shape) return shape;
  if (!spec.roles.includes(role)) return `${path}: \`${type}\` blocks are not allowed in \`${role}\` messages`;
  if ('cache_control' in block) {
    const cc = checkCacheControl(block.cache_control, join(p, 'cache_control'), pass.cache);
    if (cc) return cc;
  }
  switch (type as BlockType) {
    case 'text':
      return checkText(block.text as string, 'messages');
    case 'image':
      return checkImageSource(block.source as Json, join(p, 'source'));
    case 'document':
      return checkDocumentSource(block.source as Json, join(p, 'source'), role, pass.cache);
    case 'tool_use': {
      const id = block.id as string;
      if (!TOOL_ID_PATTERN.test(id)) return `${join(p, 'id')}: String should match pattern '${TOOL_ID_PATTERN.source}'`;
      if (pass.toolUseIds.has(id)) return `${path}: \`tool_use\` ids must be unique`;
      pass.toolUseIds.add(id);
      return undefined;
    }
    case 'tool_result': {
      const c = block.content;
      if (c === undefined || typeof c === 'string') return undefined;
      return checkBlockList(c, join(p, 'content'), role, pass.cache, ['text', 'image', 'document']);
    }
    case 'thinking':
    case 'redacted_thinking':
      return undefined;
  }
}

export function checkBlockList(list: unknown, path: string, role: Role, cache: { n: number }, allowed: readonly BlockType[]): string | undefined {
  if (typeof list === 'string') return undefined;
  if (!Array.isArray(list)) return `${path}: ${KIND_TEXT.list}`;
  const pass: BlockPass = { cache, toolUseIds: new Set() };
  for (let j = 0; j < list.length; j++) {
    const err = checkBlock(list[j], join(path, j), role, pass, allowed);
    if (err) return err;
  }
  return undefined;
}
