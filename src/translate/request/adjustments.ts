/**
 * Adjustments: every change the gateway makes to what the client asked for, reported in the
 * `x-portico-adjustments` response header (format in docs/translation.md) and refused in strict mode.
 */
import { GatewayError } from '../../domain/errors.ts';

export type AdjustmentAction = 'dropped' | 'clamped' | 'remapped' | 'defaulted' | 'converted';

export interface Adjustment {
  field: string;
  action: AdjustmentAction;
  detail: string;
}

/**
 * Collects adjustments. `semantic: true` marks a change to what the client asked for (a dropped
 * non-default parameter, a clamp, a retirement remap); strict mode refuses those with
 * `adjustment_refused` naming the field. Representational conversions pass `semantic: false`.
 */
export class Adjustments {
  readonly list: Adjustment[] = [];
  constructor(private readonly strict: boolean) {}

  add(field: string, action: AdjustmentAction, detail: string, semantic: boolean): void {
    if (this.strict && semantic && action !== 'converted') {
      throw new GatewayError(
        'adjustment_refused',
        `Strict mode: '${field}' would be ${action} (${detail}); send a request the model accepts as is, or disable strict mode.`,
        { param: field },
      );
    }
    this.list.push({ field, action, detail });
  }
}

const MAX_HEADER = 1024;

/** Header-safe token: printable ASCII without the separators `;` `(` `)` `=` `,`. */
function clean(s: string, max: number): string {
  const ascii = s.replace(/[^\x20-\x7e]/g, '?').replace(/[;()=,]/g, '_');
  return ascii.length > max ? `${ascii.slice(0, max - 3)}...` : ascii;
}

/**
 * Single-line ASCII header value: `field=action(detail); field=action(detail)`.
 * Details are built by the translator from parameter names, numbers and model ids only — never from
 * message content. Longer than 1 KiB → truncated with `; +N more`.
 */
export function formatAdjustmentsHeader(adjustments: Adjustment[]): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; i < adjustments.length; i++) {
    const a = adjustments[i]!;
    const detail = a.detail.replace(/[^\x20-\x7e]/g, '?').replace(/[;()]/g, '_');
    const item = `${clean(a.field, 80)}=${a.action}(${detail.length > 120 ? `${detail.slice(0, 117)}...` : detail})`;
    if (length + item.length + 2 > MAX_HEADER) {
      parts.push(`+${adjustments.length - i} more`);
      break;
    }
    parts.push(item);
    length += item.length + 2;
  }
  return parts.join('; ');
}
