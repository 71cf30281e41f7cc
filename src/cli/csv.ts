/**
 * RFC 4180 CSV: a field holding a comma, a double quote, CR or LF is quoted, with its quotes
 * doubled; records end in CRLF. null/undefined is an empty field; numbers and booleans as JS prints them.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
