const REDACTED = '[redacted]';

/**
 * A secret that never prints: JSON, string conversion and util.inspect all show "[redacted]".
 * Read it with `.reveal()` at the single place that needs the value.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}
