import type { DbOrTrx } from '../db/dialect.js';
import { readJson } from '../db/dialect.js';

/** The properties of a workspace's most recent events of each name: the rule builder infers property paths from them. */
export async function sampleEventProperties(db: DbOrTrx, workspaceId: string, names: readonly string[], perName: number): Promise<Map<string, Record<string, unknown>[]>> {
  const out = new Map<string, Record<string, unknown>[]>();
  for (const name of names) {
    const rows = await db
      .selectFrom('events')
      .select('properties')
      .where('workspace_id', '=', workspaceId)
      .where('name', '=', name)
      .orderBy('timestamp', 'desc')
      .limit(perName)
      .execute();
    out.set(
      name,
      rows.map((r) => readJson<Record<string, unknown>>(r.properties, {})),
    );
  }
  return out;
}
