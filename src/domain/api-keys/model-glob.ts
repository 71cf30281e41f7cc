/**
 * Model allowlists are glob patterns: `*` matches any run of characters, `?` one character,
 * everything else is literal; matching is case-sensitive and anchored (`claude-sonnet-*`).
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function matchesModelGlob(pattern: string, model: string): boolean {
  return globToRegExp(pattern).test(model);
}

/**
 * null allowlist = every model. An empty array allows nothing. A request passes when the name the
 * client asked for OR the upstream model it resolved to matches one pattern (aliases stay usable).
 */
export function isModelAllowed(allowlist: string[] | null, ...models: string[]): boolean {
  if (allowlist === null) return true;
  return allowlist.some((pattern) => models.some((model) => matchesModelGlob(pattern, model)));
}
