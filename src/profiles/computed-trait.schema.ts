import { z } from 'zod';
import { say } from '../platform/language.js';
import { zodText } from '../platform/zod-text.js';

export const ComputedTraitValueType = z.enum(['string', 'number', 'boolean', 'date']);
export type ComputedTraitValueType = z.infer<typeof ComputedTraitValueType>;

/** A computed trait, defined as data: one row per key and workspace, never a schema change. */
export const ComputedTraitDefinition = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, zodText(say('lower-case letters, digits and _, starting with a letter', '只能包含小写字母、数字和 _，且须以字母开头'))),
  valueType: ComputedTraitValueType,
  label: z.object({ en: z.string().min(1).max(200), zh: z.string().min(1).max(200) }),
  /** Allowed values of an enumerated string trait (e.g. the RFM groups), else null. */
  values: z.array(z.string().min(1).max(200)).min(1).max(500).nullable(),
  /** What computes it: 'rfm', 'churn', … */
  source: z.string().min(1).max(50),
});
export type ComputedTraitDefinition = z.infer<typeof ComputedTraitDefinition>;

/** A definition as stored, with when it (or its values) were last replaced. */
export const ComputedTraitDefinitionInfo = ComputedTraitDefinition.extend({ updatedAt: z.iso.datetime() });
export type ComputedTraitDefinitionInfo = z.infer<typeof ComputedTraitDefinitionInfo>;

/** A value as written: dates as epoch ms (or an ISO string), null for "no value". */
export type ComputedTraitInput = string | number | boolean | null;

/** A value as read back: dates as ISO strings. */
export const ComputedTraitValue = z.union([z.string(), z.number(), z.boolean()]);
export type ComputedTraitValue = z.infer<typeof ComputedTraitValue>;
