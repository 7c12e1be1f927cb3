import { isoInstantMs } from '../db/sqlite-functions.js';

/**
 * Each top-level trait that is a date, as epoch ms: JSON numbers as they are, strict ISO 8601
 * strings parsed (the segment compiler's definition of a date, segment.compile-values.ts).
 * Stored beside the traits (`profiles.trait_dates`) when a profile is written, so date rules
 * ("signed up within 30 days", "birthday in the next 7 days") compare numbers instead of parsing
 * every profile's strings again on every evaluation.
 */
export function traitDates(traits: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(traits)) {
    if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
    else if (typeof value === 'string') {
      const ms = isoInstantMs(value);
      if (ms !== null) out[key] = ms;
    }
  }
  return out;
}
