import type { SegmentFieldCatalog } from './segment.schema.js';

export type FieldType = 'string' | 'number' | 'boolean' | 'date' | 'mixed';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function typeOf(value: unknown): Exclude<FieldType, 'mixed'> | null {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return ISO_DATE.test(value) ? 'date' : 'string';
  return null;
}

const MAX_DEPTH = 4;

/** Walk documents and collect leaf paths with the types seen there (objects are walked, arrays by their first elements). */
export function inferPaths(docs: readonly Record<string, unknown>[], maxPaths = 200): Map<string, { type: FieldType; examples: Set<string>; seen: number }> {
  const paths = new Map<string, { type: FieldType; examples: Set<string>; seen: number }>();
  const visit = (value: unknown, path: string, depth: number) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      if (depth < MAX_DEPTH) value.slice(0, 3).forEach((v, i) => visit(v, `${path}.${i}`, depth + 1));
      return;
    }
    if (typeof value === 'object') {
      if (depth >= MAX_DEPTH) return;
      for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k, depth + 1);
      return;
    }
    const t = typeOf(value);
    if (!t || !path) return;
    let entry = paths.get(path);
    if (!entry) {
      if (paths.size >= maxPaths) return;
      entry = { type: t, examples: new Set(), seen: 0 };
      paths.set(path, entry);
    }
    entry.seen++;
    if (entry.type !== t) entry.type = 'mixed';
    if (entry.examples.size < 5 && t !== 'date') entry.examples.add(String(value).slice(0, 60));
  };
  for (const d of docs) visit(d, '', 0);
  return paths;
}

/** Trait catalog from a sample of profiles' traits, most common first. */
export function traitCatalog(samples: readonly Record<string, unknown>[]): SegmentFieldCatalog['traits'] {
  return [...inferPaths(samples)]
    .sort((a, b) => b[1].seen - a[1].seen || a[0].localeCompare(b[0]))
    .map(([key, e]) => ({ key, type: e.type, examples: [...e.examples] }));
}

/** Known type of each trait path, for validating a definition's values. */
export function traitTypes(samples: readonly Record<string, unknown>[]): Map<string, FieldType> {
  return new Map([...inferPaths(samples, 2000)].map(([k, e]) => [k, e.type]));
}
