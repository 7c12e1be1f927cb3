import path from 'node:path';
import { createOverviewService, type OverviewService } from '../analytics/overview.service.js';
import { createCatalogService, type CatalogService } from '../catalog/catalog.service.js';
import type { Config } from '../config/config.js';
import { openDatabase, type DatabaseHandle } from '../db/connection.js';
import { createSqlEventStore, type EventStore } from '../events/event.store.js';
import { createImportService, type ImportService } from '../imports/import.service.js';
import { createIngestService, type IngestService } from '../ingest/ingest.service.js';
import { createAuthService, type AuthService } from '../platform/auth.service.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { loadInstanceKey } from '../platform/instance-key.js';
import { createWorkspaceService, type WorkspaceService } from '../platform/workspace.service.js';
import { createProfileService, type ProfileService } from '../profiles/profile.service.js';

/** Every service, built once: the composition root (STYLE §1, §3). */
export interface Nudge {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  eventStore: EventStore;
  workspaces: WorkspaceService;
  auth: AuthService;
  ingest: IngestService;
  profiles: ProfileService;
  catalog: CatalogService;
  imports: ImportService;
  overview: OverviewService;
  close(): Promise<void>;
}

export interface NudgeOptions {
  clock?: Clock;
  /** Override the instance key (tests). */
  instanceKey?: Buffer;
}

export async function createNudge(config: Config, options: NudgeOptions = {}): Promise<Nudge> {
  const clock = options.clock ?? systemClock;
  const database = await openDatabase({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { sqlitePath: path.join(config.dataDir, 'nudge.db') }),
  });
  const { db, dialect } = database;
  const instanceKey = options.instanceKey ?? loadInstanceKey(config.secretKey, config.dataDir);
  const eventStore = createSqlEventStore(dialect);
  const workspaces = createWorkspaceService({ db, clock, instanceKey });
  const auth = createAuthService({ db, clock });
  const profiles = createProfileService({ db, dialect, eventStore, clock });
  const catalog = createCatalogService({ db, dialect, clock });
  const ingest = createIngestService({ db, dialect, eventStore, clock });
  const imports = createImportService({ db, profiles, catalog, clock, defaultCurrency: async (ws) => (await workspaces.get(ws)).currency });
  const overview = createOverviewService({
    db,
    dialect,
    eventStore,
    clock,
    counts: {
      profiles: (ws) => profiles.count(ws),
      products: (ws) => catalog.count(ws),
      currency: async (ws) => (await workspaces.get(ws)).currency,
    },
  });
  return {
    config,
    database,
    clock,
    eventStore,
    workspaces,
    auth,
    ingest,
    profiles,
    catalog,
    imports,
    overview,
    close: async () => {
      await imports.close();
      await ingest.stop();
      await database.close();
    },
  };
}
