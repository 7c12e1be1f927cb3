/** Traits already shown in their own columns, so not repeated as chips. */
const SHOWN = new Set(['name', 'first_name', 'last_name', 'firstName', 'lastName', 'email', 'phone', 'user_id', 'userId']);

/** A few of an object's scalar entries (traits, event properties), for a quick summary. */
export function keyTraits(traits: Record<string, unknown>, max = 2): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(traits)) {
    if (SHOWN.has(key) || value === null || value === undefined || typeof value === 'object' || value === '') continue;
    out.push([key, String(value)]);
    if (out.length === max) break;
  }
  return out;
}

/** A trait value as text: strings as they are, everything else as compact JSON. */
export function displayValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}
