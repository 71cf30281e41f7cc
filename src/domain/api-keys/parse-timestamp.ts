import { invalidRequest } from '../errors.ts';

/**
 * Admin/CLI time inputs: unix seconds (`1764547200`, decimals allowed) or an ISO 8601 date/time
 * (`2026-12-01`, `2026-12-01T10:00:00Z`; a date without zone is UTC). Returns Unix ms; throws a
 * 400 naming `param`.
 */
export function parseTimestamp(value: unknown, param: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return Math.round(value * 1000);
  } else if (typeof value === 'string' && value.trim() !== '') {
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
    if (/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i.test(text)) {
      const isoText = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
      const ms = Date.parse(isoText.replace(' ', 'T'));
      if (Number.isFinite(ms)) return ms;
    }
  }
  throw invalidRequest(`'${param}' must be an ISO 8601 date/time or unix seconds.`, param);
}
