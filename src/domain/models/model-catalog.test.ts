import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createModelCatalog } from './model-catalog.ts';
import { KNOWN_MODELS } from './known-models.ts';
import { RETIRED_ALIASES } from './model-aliases.ts';

describe('model catalog', () => {
  const catalog = createModelCatalog();

  it('resolves a live id exactly, not remapped', () => {
    const r = catalog.resolve('claude-sonnet-4-6');
    assert.ok(r);
    assert.equal(r.model.id, 'claude-sonnet-4-6');
    assert.equal(r.remapped, false);
    assert.equal(r.via, 'exact');
    assert.equal(r.model.maxOutputTokens, 64000);
    assert.equal(r.model.contextWindow, 1_000_000);
  });

  it('maps the seed default (retired Sonnet 3.5) to claude-sonnet-4-6 as a remap', () => {
    const r = catalog.resolve('claude-3-5-sonnet-20241022');
    assert.deepEqual([r?.model.id, r?.remapped, r?.via, r?.requested], ['claude-sonnet-4-6', true, 'retired', 'claude-3-5-sonnet-20241022']);
  });

  it('maps every retired class to its successor', () => {
    const expect: Record<string, string> = {
      'claude-3-5-sonnet-20240620': 'claude-sonnet-4-6',
      'claude-3-7-sonnet-20250219': 'claude-sonnet-4-6',
      'claude-sonnet-4-20250514': 'claude-sonnet-4-6',
      'claude-sonnet-4-0': 'claude-sonnet-4-6',
      'claude-3-5-sonnet-latest': 'claude-sonnet-4-6',
      'claude-3-5-haiku-20241022': 'claude-haiku-4-5-20251001',
      'claude-3-haiku-20240307': 'claude-haiku-4-5-20251001',
      'claude-opus-4-20250514': 'claude-opus-4-6',
      'claude-opus-4-1-20250805': 'claude-opus-4-6',
      'claude-3-opus-20240229': 'claude-opus-4-6',
    };
    for (const [from, to] of Object.entries(expect)) assert.equal(catalog.resolve(from)?.model.id, to, from);
    for (const from of Object.keys(RETIRED_ALIASES)) assert.equal(catalog.resolve(from)?.remapped, true, from);
  });

  it("resolves Anthropic's short aliases to the dated id without a remap", () => {
    const r = catalog.resolve('claude-sonnet-4-5');
    assert.deepEqual([r?.model.id, r?.remapped, r?.via], ['claude-sonnet-4-5-20250929', false, 'anthropic-alias']);
    assert.equal(catalog.resolve('claude-haiku-4-5')?.model.id, 'claude-haiku-4-5-20251001');
    assert.equal(catalog.resolve('claude-opus-4-5')?.model.id, 'claude-opus-4-5-20251101');
  });

  it('passes unknown claude-* names through with conservative capabilities', () => {
    const r = catalog.resolve('claude-sonnet-6');
    assert.ok(r);
    assert.equal(r.model.id, 'claude-sonnet-6');
    assert.equal(r.via, 'passthrough');
    assert.equal(r.remapped, false);
    assert.equal(r.model.capabilities.sampling, 'default-only');
    assert.equal(r.model.capabilities.forcedToolChoice, false);
    assert.equal(r.model.capabilities.prefill, false);
    assert.equal(r.model.capabilities.thinking, 'adaptive');
    assert.equal(r.model.capabilities.thinkingCanBeDisabled, false);
    assert.equal(r.model.maxOutputTokens, 64000);
  });

  it('returns null for non-Claude names (caller answers 404 model_not_found)', () => {
    assert.equal(catalog.resolve('gpt-4o'), null);
    assert.equal(catalog.resolve(''), null);
    assert.equal(catalog.resolve('claude'), null);
  });

  it('encodes the capability facts of protocol.md §0/§7', () => {
    const caps = (id: string) => catalog.resolve(id)!.model.capabilities;
    for (const id of ['claude-opus-4-7', 'claude-opus-4-8', 'claude-sonnet-5', 'claude-sonnet-5-5', 'claude-opus-5', 'claude-opus-5-5']) {
      assert.equal(caps(id).sampling, 'default-only', id);
      assert.equal(caps(id).thinking, 'adaptive', id);
    }
    for (const id of ['claude-fable-5-1', 'claude-mythos-5-1', 'claude-opus-5-5', 'claude-sonnet-5-5']) assert.equal(caps(id).forcedToolChoice, false, id);
    for (const id of ['claude-opus-4-6', 'claude-sonnet-4-6', 'claude-opus-4-7', 'claude-haiku-4-5']) assert.equal(caps(id).forcedToolChoice, true, id);
    for (const id of ['claude-opus-5-5', 'claude-fable-5-1']) assert.equal(caps(id).thinkingCanBeDisabled, false, id);
    assert.equal(caps('claude-sonnet-5-5').thinkingCanBeDisabled, true);
    assert.equal(caps('claude-haiku-4-5').thinking, 'manual');
    assert.equal(caps('claude-haiku-4-5').structuredOutputs, false);
    assert.equal(caps('claude-sonnet-4-5').structuredOutputs, true);
    assert.equal(caps('claude-sonnet-4-6').thinking, 'both');
    assert.equal(caps('claude-sonnet-4-6').sampling, 'no-temperature-with-top-p');
    assert.equal(caps('claude-sonnet-4-5').prefill, true);
    assert.equal(caps('claude-opus-4-5').prefill, true);
    assert.equal(caps('claude-sonnet-4-6').prefill, false);
    assert.equal(caps('claude-opus-4-6').prefill, false);
    assert.deepEqual(caps('claude-sonnet-4-6').effortLevels, ['low', 'medium', 'high', 'max']);
  });

  it('lists live models newest first, then aliases, with unix-second created values', () => {
    const list = catalog.list();
    const ids = list.map((e) => e.id);
    assert.equal(ids[0], 'claude-haiku-5-5');
    for (const m of KNOWN_MODELS) assert.ok(ids.includes(m.id), m.id);
    for (const alias of ['claude-3-5-sonnet-20241022', 'claude-sonnet-4-5', 'claude-opus-4-1-20250805']) assert.ok(ids.includes(alias), alias);
    assert.equal(new Set(ids).size, ids.length);
    const sonnet46 = list.find((e) => e.id === 'claude-sonnet-4-6')!;
    assert.deepEqual(sonnet46, { id: 'claude-sonnet-4-6', created: 1771286400, owned_by: 'anthropic' });
    assert.equal(list.find((e) => e.id === 'claude-3-5-sonnet-20241022')?.owned_by, 'portico');
  });

  it('get() finds live ids and aliases, null otherwise', () => {
    assert.deepEqual(catalog.get('claude-3-5-sonnet-20241022'), { id: 'claude-3-5-sonnet-20241022', created: 1771286400, owned_by: 'portico' });
    assert.equal(catalog.get('claude-opus-4-6')?.id, 'claude-opus-4-6');
    assert.equal(catalog.get('gpt-4o'), null);
  });

  it('config aliases and models override the built-in tables', () => {
    const c = createModelCatalog({
      aliases: { 'gpt-4o': 'claude-sonnet-5', 'claude-3-5-sonnet-20241022': 'claude-sonnet-4-5' },
      models: [{ id: 'claude-sonnet-4-6', maxOutputTokens: 128000 }, { id: 'claude-private-1', displayName: 'Private', capabilities: { sampling: 'any' } as never }],
    });
    const g = c.resolve('gpt-4o');
    assert.deepEqual([g?.model.id, g?.remapped, g?.via], ['claude-sonnet-5', true, 'config']);
    assert.equal(c.resolve('claude-3-5-sonnet-20241022')?.model.id, 'claude-sonnet-4-5-20250929');
    assert.equal(c.resolve('claude-sonnet-4-6')?.model.maxOutputTokens, 128000);
    assert.equal(c.resolve('claude-sonnet-4-6')?.model.capabilities.thinking, 'both');
    const p = c.resolve('claude-private-1');
    assert.equal(p?.via, 'exact');
    assert.equal(p?.model.capabilities.sampling, 'any');
    assert.equal(p?.model.capabilities.prefill, false);
    assert.ok(c.list().some((e) => e.id === 'gpt-4o' && e.owned_by === 'portico'));
    assert.equal(c.get('gpt-4o')?.id, 'gpt-4o');
  });

  it('a config alias to a non-Claude unknown target resolves to null', () => {
    const c = createModelCatalog({ aliases: { fast: 'gpt-4o-mini' } });
    assert.equal(c.resolve('fast'), null);
  });
});
