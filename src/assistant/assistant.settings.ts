import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { readJson, type DbOrTrx } from '../db/dialect.js';
import { audit } from '../platform/audit.js';
import type { Clock } from '../platform/clock.js';
import { decrypt, encrypt } from '../platform/crypto.js';
import { toIsoOrNull } from '../platform/ids.js';
import { assistantDb } from './assistant.tables.js';
import type { AssistantSettingsInput, AssistantSettingsView } from './assistant.schema.js';
import type { LlmSettings } from './llm.js';

export const MASK = '********';

/**
 * The assistant's per-workspace settings: the optional LLM endpoint. The API key is sealed with the
 * instance key (AES-256-GCM, platform/crypto.ts) like channel secrets; reads mask it; a PUT without
 * it (or with the mask) keeps the stored one.
 */
export interface AssistantSettingsService {
  view(workspaceId: string): Promise<AssistantSettingsView>;
  put(workspaceId: string, input: AssistantSettingsInput, actor: string): Promise<AssistantSettingsView>;
  llm(workspaceId: string): Promise<LlmSettings | null>;
}

export function createAssistantSettings(deps: { db: Kysely<Database>; clock: Clock; instanceKey: Buffer }): AssistantSettingsService {
  const db = assistantDb(deps.db);
  const load = async (ws: string) => {
    const r = await db.selectFrom('assistant_settings').selectAll().where('workspace_id', '=', ws).executeTakeFirst();
    if (!r) return null;
    const s = readJson<{ llm?: { baseUrl: string; model: string } | null }>(r.settings, {});
    const apiKey = r.secret_sealed ? readJson<{ apiKey?: string }>(decrypt(deps.instanceKey, r.secret_sealed), {}).apiKey ?? null : null;
    return { llm: s.llm ? { baseUrl: s.llm.baseUrl, model: s.llm.model, apiKey } : null, updatedAt: Number(r.updated_at) };
  };
  const view = async (ws: string): Promise<AssistantSettingsView> => {
    const s = await load(ws);
    return { llm: s?.llm ? { baseUrl: s.llm.baseUrl, model: s.llm.model, apiKey: s.llm.apiKey ? MASK : null } : null, updatedAt: toIsoOrNull(s?.updatedAt ?? null) };
  };
  return {
    view,
    async put(ws, input, actor) {
      const prev = await load(ws);
      const now = deps.clock.now();
      const keep = input.llm && (input.llm.apiKey === undefined || input.llm.apiKey === MASK);
      const apiKey = input.llm ? (keep ? (prev?.llm?.apiKey ?? null) : input.llm.apiKey || null) : null;
      const row = {
        workspace_id: ws,
        settings: JSON.stringify({ llm: input.llm ? { baseUrl: input.llm.baseUrl, model: input.llm.model } : null }),
        secret_sealed: apiKey ? encrypt(deps.instanceKey, JSON.stringify({ apiKey })) : null,
        updated_at: now,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('assistant_settings').values(row).onConflict((oc) => oc.column('workspace_id').doUpdateSet({ settings: row.settings, secret_sealed: row.secret_sealed, updated_at: now })).execute();
        // The assistant's transaction is the shared one typed with more tables; audit uses only the shared ones.
        await audit(trx as unknown as DbOrTrx, { workspaceId: ws, actor, action: 'assistant.settings.update', target: 'assistant', data: { llm: input.llm ? { baseUrl: input.llm.baseUrl, model: input.llm.model } : null }, at: now });
      });
      return view(ws);
    },
    async llm(ws) {
      return (await load(ws))?.llm ?? null;
    },
  };
}
