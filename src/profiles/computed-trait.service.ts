import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { readJson, type DialectHelpers } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import type { Clock } from '../platform/clock.js';
import { assertUnreachable, jsonPath, UserError } from '../platform/errors.js';
import { toIso } from '../platform/ids.js';
import { say, type Bilingual } from '../platform/language.js';
import {
  deleteValues,
  listDefinitions,
  readValues,
  tallyValues,
  touchDefinitions,
  upsertDefinitions,
  valuesForProfile,
  writeValues,
  type DefinitionRow,
  type StoredValue,
} from './computed-trait.repository.js';
import {
  ComputedTraitDefinition,
  ComputedTraitValueType,
  type ComputedTraitDefinitionInfo,
  type ComputedTraitInput,
  type ComputedTraitValue,
} from './computed-trait.schema.js';
import { pushTo } from '../platform/collections.js';

export type { ComputedTraitDefinition, ComputedTraitDefinitionInfo } from './computed-trait.schema.js';

export interface ComputedTraitChange {
  workspaceId: string;
  keys: string[];
  profileIds: string[];
}

export interface ComputedTraitTally {
  /** The `by` keys' values, in order. */
  values: ComputedTraitValue[];
  count: number;
  /** Sum of the `sum` key's values over these profiles (0 without one). */
  sum: number;
}

/**
 * Everything the system learns about a profile (RFM, churn, CLV, persona, …) as typed values
 * under defined keys, so segments and journeys use any of it the same way.
 */
export interface ComputedTraitService {
  /** Create or update definitions (by key). */
  define(workspaceId: string, defs: ComputedTraitDefinition[]): Promise<void>;
  definitions(workspaceId: string): Promise<ComputedTraitDefinitionInfo[]>;
  /** Replace every value of these keys in one transaction (a full recompute); returns the profile ids whose values changed. */
  replace(workspaceId: string, keys: string[], values: { profileId: string; key: string; value: ComputedTraitInput }[]): Promise<string[]>;
  /** A profile's computed traits; dates as ISO strings. */
  forProfile(workspaceId: string, profileId: string): Promise<Record<string, ComputedTraitValue>>;
  /** Profiles counted by their combination of `by` values (each profile needs all of them), optionally summing a numeric key. */
  tally(workspaceId: string, by: string[], options?: { sum?: string }): Promise<ComputedTraitTally[]>;
  /** Called after a replace commits, when some profile's values changed. */
  onChanged(listener: (change: ComputedTraitChange) => void): void;
}

const AllowedValues = z.array(z.string()).nullable();

function toInfo(r: DefinitionRow): ComputedTraitDefinitionInfo {
  const allowed = AllowedValues.safeParse(readJson<unknown>(r.allowed_values, null));
  return {
    key: r.key,
    valueType: ComputedTraitValueType.parse(r.value_type),
    label: { en: r.label_en, zh: r.label_zh },
    values: allowed.success ? allowed.data : null,
    source: r.source,
    updatedAt: toIso(Number(r.updated_at)),
  };
}

type Encoded = Pick<StoredValue, 'num' | 'text'>;

function invalid(field: string, message: Bilingual): UserError {
  return new UserError('COMPUTED_TRAIT_INVALID_VALUE', message, { field });
}

/** The stored form of a value, or null for "no value". */
function encode(def: ComputedTraitDefinitionInfo, value: ComputedTraitInput, field: string): Encoded | null {
  if (value === null) return null;
  switch (def.valueType) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, say(`${def.key} takes a finite number`, `${def.key} 的值须为有限数字`));
      return { num: value, text: null };
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(field, say(`${def.key} takes true or false`, `${def.key} 的值须为 true 或 false`));
      return { num: value ? 1 : 0, text: null };
    case 'date': {
      const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (!Number.isFinite(ms)) throw invalid(field, say(`${def.key} takes a date (epoch ms or ISO 8601)`, `${def.key} 的值须为日期（毫秒时间戳或 ISO 8601）`));
      return { num: ms, text: null };
    }
    case 'string':
      if (typeof value !== 'string') throw invalid(field, say(`${def.key} takes a string`, `${def.key} 的值须为文本`));
      if (def.values && !def.values.includes(value)) throw invalid(field, say(`${def.key} is one of ${def.values.join(', ')}`, `${def.key} 的值须为以下之一：${def.values.join(', ')}`));
      return { num: null, text: value };
    default:
      return assertUnreachable(def.valueType);
  }
}

function decode(type: ComputedTraitValueType, v: Encoded): ComputedTraitValue | null {
  switch (type) {
    case 'number':
      return v.num;
    case 'boolean':
      return v.num === null ? null : v.num !== 0;
    case 'date':
      return v.num === null ? null : toIso(v.num);
    case 'string':
      return v.text;
    default:
      return assertUnreachable(type);
  }
}

const lockName = (workspaceId: string, key: string) => `computed-trait\u0000${workspaceId}\u0000${key}`;

export function createComputedTraitService(deps: { db: Kysely<Database>; dialect: DialectHelpers; clock: Clock; onError?: (err: unknown) => void }): ComputedTraitService {
  const { db, dialect, clock } = deps;
  const listeners: ((change: ComputedTraitChange) => void)[] = [];

  async function definitionMap(workspaceId: string): Promise<Map<string, ComputedTraitDefinitionInfo>> {
    return new Map((await listDefinitions(db, workspaceId)).map((r) => [r.key, toInfo(r)]));
  }

  function requireDefined(defs: Map<string, ComputedTraitDefinitionInfo>, key: string, field: string): ComputedTraitDefinitionInfo {
    const def = defs.get(key);
    if (!def) throw new UserError('COMPUTED_TRAIT_UNDEFINED', say(`No computed trait ${key} is defined`, `未定义计算属性 ${key}`), { field });
    return def;
  }

  return {
    async define(workspaceId, defs) {
      const parsed = z.array(ComputedTraitDefinition).safeParse(defs);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new UserError('COMPUTED_TRAIT_INVALID_DEFINITION', say(issue?.message ?? 'Invalid definition', '计算属性定义无效'), { field: jsonPath(issue?.path ?? [], 'defs') });
      }
      for (const [i, d] of parsed.data.entries()) {
        if (d.values && d.valueType !== 'string') throw new UserError('COMPUTED_TRAIT_INVALID_DEFINITION', say('Only string traits list allowed values', '只有文本类型的计算属性才能设置可选值'), { field: `defs[${i}].values` });
      }
      await upsertDefinitions(db, workspaceId, parsed.data, clock.now());
    },

    async definitions(workspaceId) {
      return [...(await definitionMap(workspaceId)).values()];
    },

    async replace(workspaceId, keys, values) {
      const unique = [...new Set(keys)];
      if (unique.length === 0) return [];
      const defs = await definitionMap(workspaceId);
      for (const [i, key] of keys.entries()) requireDefined(defs, key, `keys[${i}]`);
      const next = new Map<string, StoredValue>();
      for (const [i, v] of values.entries()) {
        if (!unique.includes(v.key)) throw new UserError('COMPUTED_TRAIT_KEY_NOT_REPLACED', say(`${v.key} is not among the keys being replaced`, `${v.key} 不在本次要替换的属性中`), { field: `values[${i}].key` });
        const id = `${v.key}\u0000${v.profileId}`;
        if (next.has(id)) throw new UserError('COMPUTED_TRAIT_DUPLICATE_VALUE', say(`Two values of ${v.key} for profile ${v.profileId}`, `客户 ${v.profileId} 的 ${v.key} 有两个值`), { field: `values[${i}]` });
        const enc = encode(requireDefined(defs, v.key, `values[${i}].key`), v.value, `values[${i}].value`);
        // A null value is "no value": it is left out, so a value stored before is removed.
        next.set(id, enc ? { profileId: v.profileId, key: v.key, ...enc } : { profileId: v.profileId, key: v.key, num: null, text: null });
      }
      const now = clock.now();
      const changed = await withTransaction(db, async (trx) => {
        // Two recomputes of the same keys (two workers) take turns; their diffs would otherwise interleave.
        await dialect.lockKeys(trx, unique.map((k) => lockName(workspaceId, k)));
        const wanted = new Map([...next].filter(([, v]) => v.num !== null || v.text !== null));
        const profiles = new Set<string>();
        const removed = new Map<string, string[]>();
        for (const old of await readValues(trx, workspaceId, unique)) {
          const id = `${old.key}\u0000${old.profileId}`;
          const fresh = wanted.get(id);
          if (!fresh) {
            pushTo(removed, old.key, old.profileId);
            profiles.add(old.profileId);
          } else if (fresh.num === old.num && fresh.text === old.text) {
            // Unchanged: no write, so updated_at says when the value last changed.
            wanted.delete(id);
          } else {
            profiles.add(old.profileId);
          }
        }
        for (const v of wanted.values()) profiles.add(v.profileId);
        for (const [key, ids] of removed) await deleteValues(trx, workspaceId, key, ids);
        await writeValues(trx, workspaceId, [...wanted.values()], now);
        await touchDefinitions(trx, workspaceId, unique, now);
        return [...profiles].sort();
      });
      if (changed.length > 0) {
        const change: ComputedTraitChange = { workspaceId, keys: unique, profileIds: changed };
        for (const listener of listeners) {
          try {
            listener(change);
          } catch (err) {
            // One listener's bug must not undo a committed recompute or starve the others.
            deps.onError?.(err);
          }
        }
      }
      return changed;
    },

    async forProfile(workspaceId, profileId) {
      const [defs, stored] = await Promise.all([definitionMap(workspaceId), valuesForProfile(db, workspaceId, profileId)]);
      const out: Record<string, ComputedTraitValue> = {};
      for (const v of stored) {
        const def = defs.get(v.key);
        const value = def ? decode(def.valueType, v) : null;
        if (value !== null) out[v.key] = value;
      }
      return out;
    },

    async tally(workspaceId, by, options = {}) {
      if (by.length === 0 || by.length > 4) throw new UserError('COMPUTED_TRAIT_INVALID_TALLY', say('Tally by one to four keys', '统计维度须为 1 到 4 个属性'), { field: 'by' });
      const defs = await definitionMap(workspaceId);
      const types = by.map((key, i) => requireDefined(defs, key, `by[${i}]`).valueType);
      if (options.sum !== undefined && requireDefined(defs, options.sum, 'sum').valueType !== 'number') {
        throw new UserError('COMPUTED_TRAIT_INVALID_TALLY', say(`${options.sum} is not a number`, `${options.sum} 不是数字类型`), { field: 'sum' });
      }
      const rows = await tallyValues(db, workspaceId, by, options.sum ?? null);
      return rows.flatMap((r) => {
        const values = r.values.map((v, i) => decode(types[i] ?? 'string', v));
        return values.every((v): v is ComputedTraitValue => v !== null) ? [{ values, count: r.count, sum: r.sum }] : [];
      });
    },

    onChanged(listener) {
      listeners.push(listener);
    },
  };
}
