/**
 * The model catalog: client-facing name → live upstream model + capabilities.
 * Resolution order: config alias → exact live id → Anthropic short alias → retirement alias →
 * pass-through for unknown `claude-…` names (conservative capabilities) → null (caller: 404).
 * @see ../shared/protocol.md §0.1, §7; docs/translation.md "Models and aliases"
 */
import { CONSERVATIVE_CAPABILITIES, type ModelCapabilities } from './model-capabilities.ts';
import { KNOWN_MODELS, type ModelInfo } from './known-models.ts';
import { ANTHROPIC_ALIASES, RETIRED_ALIASES } from './model-aliases.ts';

export type { ModelInfo } from './known-models.ts';
export type { ModelCapabilities, SamplingPolicy, ThinkingMode, EffortLevel } from './model-capabilities.ts';

/** How a name was resolved. `retired` and `config` are remaps; the others are not. */
export type ResolutionKind = 'exact' | 'anthropic-alias' | 'retired' | 'config' | 'passthrough';

export interface ResolvedModel {
  requested: string;
  model: ModelInfo;
  /** The name differs from the upstream id because of a retirement alias or a config alias. */
  remapped: boolean;
  via: ResolutionKind;
}

export interface ModelListEntry {
  id: string;
  created: number;
  owned_by: string;
}

export interface ModelCatalog {
  resolve(name: string): ResolvedModel | null;
  /** Live models and every alias name (so `GET /v1/models/<alias>` works), newest first. */
  list(): ModelListEntry[];
  /** One entry of `list()` by its exact name, or null (→ 404). */
  get(id: string): ModelListEntry | null;
}

export interface ModelCatalogOverrides {
  aliases?: Record<string, string>;
  models?: Array<Partial<ModelInfo> & { id: string }>;
}

/** Unknown Claude-looking names are passed through rather than 404'd (a model newer than this table). */
const CLAUDE_ID = /^claude-[a-z0-9][a-z0-9.-]*$/;

/**
 * Unknown model: newest-model restrictions; 64K output (accepted by every live model) and 200K
 * context so the defaulted `max_tokens` and pre-admission estimates never exceed what it may take.
 */
function passthroughInfo(id: string): ModelInfo {
  return {
    id,
    displayName: id,
    created: 0,
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    capabilities: { ...CONSERVATIVE_CAPABILITIES, effortLevels: [...CONSERVATIVE_CAPABILITIES.effortLevels] },
  };
}

function mergeModel(base: ModelInfo | undefined, patch: Partial<ModelInfo> & { id: string }): ModelInfo {
  const start = base ?? passthroughInfo(patch.id);
  const capabilities: ModelCapabilities = { ...start.capabilities, ...(patch.capabilities ?? {}) };
  return { ...start, ...patch, capabilities };
}

export function createModelCatalog(overrides: ModelCatalogOverrides = {}): ModelCatalog {
  const models = new Map<string, ModelInfo>();
  for (const m of KNOWN_MODELS) models.set(m.id, m);
  for (const patch of overrides.models ?? []) models.set(patch.id, mergeModel(models.get(patch.id), patch));

  const configAliases = new Map(Object.entries(overrides.aliases ?? {}));

  /** Resolve a name that is not a config alias. */
  function resolveBuiltin(name: string): { model: ModelInfo; via: ResolutionKind } | null {
    const exact = models.get(name);
    if (exact) return { model: exact, via: 'exact' };
    const anthropic = ANTHROPIC_ALIASES[name];
    if (anthropic !== undefined && models.has(anthropic)) return { model: models.get(anthropic)!, via: 'anthropic-alias' };
    const retired = RETIRED_ALIASES[name];
    if (retired !== undefined) {
      const target = resolveBuiltin(retired);
      if (target) return { model: target.model, via: 'retired' };
    }
    if (CLAUDE_ID.test(name)) return { model: passthroughInfo(name), via: 'passthrough' };
    return null;
  }

  function resolve(requested: string): ResolvedModel | null {
    const name = requested.trim();
    const configured = configAliases.get(name);
    if (configured !== undefined && configured !== name) {
      const target = resolveBuiltin(configured);
      if (!target) return null;
      return { requested, model: target.model, remapped: target.model.id !== name, via: 'config' };
    }
    const found = resolveBuiltin(name) ?? resolveBuiltin(name.toLowerCase());
    if (!found) return null;
    return { requested, model: found.model, remapped: found.via === 'retired', via: found.via };
  }

  function list(): ModelListEntry[] {
    const out = new Map<string, ModelListEntry>();
    const live = [...models.values()].sort((a, b) => b.created - a.created || a.id.localeCompare(b.id));
    for (const m of live) out.set(m.id, { id: m.id, created: m.created, owned_by: 'anthropic' });
    const add = (alias: string, owner: string): void => {
      if (out.has(alias)) return;
      const r = resolve(alias);
      if (r) out.set(alias, { id: alias, created: r.model.created, owned_by: owner });
    };
    for (const alias of Object.keys(ANTHROPIC_ALIASES)) add(alias, 'anthropic');
    for (const alias of configAliases.keys()) add(alias, 'portico');
    for (const alias of Object.keys(RETIRED_ALIASES)) add(alias, 'portico');
    return [...out.values()];
  }

  return {
    resolve,
    list,
    get(id: string): ModelListEntry | null {
      return list().find((e) => e.id === id) ?? null;
    },
  };
}
