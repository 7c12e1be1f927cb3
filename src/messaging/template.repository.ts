import type { Insertable, Selectable, Updateable } from 'kysely';
import type { TemplateTable } from '../db/database.js';
import type { DbOrTrx } from '../db/dialect.js';

export type TemplateRow = Selectable<TemplateTable>;
export type TemplatePatch = Omit<Updateable<TemplateTable>, 'workspace_id' | 'id'>;

export async function insertTemplate(db: DbOrTrx, row: Insertable<TemplateTable>): Promise<void> {
  await db.insertInto('templates').values(row).execute();
}

/** Update only the version the caller read (two editors saving at once: the second gets a conflict). */
export async function updateTemplate(db: DbOrTrx, workspaceId: string, id: string, version: number, patch: TemplatePatch): Promise<boolean> {
  const result = await db.updateTable('templates').set(patch).where('workspace_id', '=', workspaceId).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findTemplate(db: DbOrTrx, workspaceId: string, id: string): Promise<TemplateRow | undefined> {
  return db.selectFrom('templates').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
}

export async function listTemplates(db: DbOrTrx, workspaceId: string, filter: { channel?: string | undefined; q?: string | undefined }): Promise<TemplateRow[]> {
  let q = db.selectFrom('templates').selectAll().where('workspace_id', '=', workspaceId).where('status', '=', 'active');
  if (filter.channel) q = q.where('channel', '=', filter.channel);
  if (filter.q?.trim()) q = q.where('name', 'like', `%${filter.q.trim().replace(/[%_\\]/g, '')}%`);
  return q.orderBy('updated_at', 'desc').orderBy('id').execute();
}

/** Active templates sending under a subscription group (a group in use is not archived silently). */
export async function templatesInGroup(db: DbOrTrx, workspaceId: string, groupId: string): Promise<{ id: string; name: string }[]> {
  return db.selectFrom('templates').select(['id', 'name']).where('workspace_id', '=', workspaceId).where('subscription_group_id', '=', groupId).where('status', '=', 'active').execute();
}
