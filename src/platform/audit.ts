import type { DbOrTrx } from '../db/dialect.js';

/** Append one entry to the audit log (who did what to which thing). */
export async function audit(
  db: DbOrTrx,
  entry: { workspaceId: string | null; actor: string; action: string; target?: string | null; data?: unknown; at: number },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      workspace_id: entry.workspaceId,
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      data: JSON.stringify(entry.data ?? {}),
      at: entry.at,
    })
    .execute();
}
