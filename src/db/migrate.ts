import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './database.js';
import type { DialectHelpers } from './dialect.js';
import { foundation } from './migrations/0001_foundation.js';
import { importRowsSkipped } from './migrations/0002_import_rows_skipped.js';
import { inboxBatches } from './migrations/0003_inbox_batches.js';
import { segments } from './migrations/0004_segments.js';
import { messaging } from './migrations/0005_messaging.js';
import { traitDatesColumn } from './migrations/0006_trait_dates.js';
import { journeys } from './migrations/0007_journeys.js';
import { recommendations } from './migrations/0008_recommendations.js';
import { assistant } from './migrations/0009_assistant.js';
import { nlp } from './migrations/0010_nlp.js';
import { ingestAnnouncements } from './migrations/0011_ingest_announcements.js';
import { broadcastDueOrder } from './migrations/0012_broadcast_due_order.js';
import { workspaceTimezone } from './migrations/0013_workspace_timezone.js';
import { messagePartialIndexes } from './migrations/0014_message_partial_indexes.js';
import { workspaceSendHour } from './migrations/0015_workspace_send_hour.js';
import { workspaceSandbox } from './migrations/0016_workspace_sandbox.js';

/** Migrations in order. Each takes the dialect helpers so column types stay dialect-neutral. */
const MIGRATIONS: Record<string, (d: DialectHelpers) => Migration> = {
  '0001_foundation': foundation,
  '0002_import_rows_skipped': importRowsSkipped,
  '0003_inbox_batches': inboxBatches,
  '0004_segments': segments,
  '0005_messaging': messaging,
  '0006_trait_dates': traitDatesColumn,
  '0007_journeys': journeys,
  '0008_recommendations': recommendations,
  '0009_assistant': assistant,
  '0010_nlp': nlp,
  '0011_ingest_announcements': ingestAnnouncements,
  '0012_broadcast_due_order': broadcastDueOrder,
  '0013_workspace_timezone': workspaceTimezone,
  '0014_message_partial_indexes': messagePartialIndexes,
  '0015_workspace_send_hour': workspaceSendHour,
  '0016_workspace_sandbox': workspaceSandbox,
};

export async function migrateToLatest(db: Kysely<Database>, dialect: DialectHelpers): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: async () => Object.fromEntries(Object.entries(MIGRATIONS).map(([k, m]) => [k, m(dialect)])),
  };
  // Migrations run on an untyped handle: they create the tables the typed one describes.
  // Unordered: migrations written on parallel branches may land in either order; each is independent of
  // the ones numbered after it, so a database that applied a later one still takes an earlier newcomer.
  const migrator = new Migrator({ db: db as unknown as Kysely<unknown>, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
