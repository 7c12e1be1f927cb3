import type { Transaction } from 'kysely';
import type { CatalogItem } from '../catalog/catalog.schema.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { Database } from '../db/database.js';
import { UnexpectedError } from '../platform/errors.js';
import type { IdentityClaim } from '../profiles/identity.js';
import type { ProfileService } from '../profiles/profile.service.js';
import { orderPipeline, type ImportedOrder } from './import.orders.js';
import { rowParser, type Header, type ParseContext } from './import.rows.js';
import { rowPerUnit, type RowPipeline, type Sink, type Unit } from './import.units.js';

export interface WriteResult {
  /** Rows written. */
  imported: number;
  /** Rows already stored (orders present before), left as they are. */
  skipped: number;
}

/** How one kind of file is read into units and written, inside the caller's transaction. */
export interface KindPlan<T> {
  pipeline(header: Header, ctx: ParseContext, sink: Sink<T>): RowPipeline;
  write(trx: Transaction<Database>, workspaceId: string, units: readonly Unit<T>[]): Promise<WriteResult>;
}

export interface PlanDeps {
  profiles: ProfileService;
  catalog: CatalogService;
}

const rowsOf = (units: readonly Unit<unknown>[]): number => units.reduce((n, u) => n + u.rows, 0);

/** Profiles: each row is an identity claim, resolved in one batch (merges and last-write-wins traits as for identify). */
export const profilePlan = (deps: PlanDeps): KindPlan<IdentityClaim> => ({
  pipeline: (header, ctx, sink) => rowPerUnit(rowParser('profiles', header, ctx), sink),
  async write(trx, workspaceId, units) {
    await deps.profiles.applyClaims(
      trx,
      workspaceId,
      units.map((u) => u.value),
    );
    return { imported: rowsOf(units), skipped: 0 };
  },
});

/**
 * Orders: an order already stored (same order_id) is skipped, so importing a file again changes
 * nothing; the customer of each new order is found or created from user_id / email.
 */
export const orderPlan = (deps: PlanDeps): KindPlan<ImportedOrder> => ({
  pipeline: (header, ctx, sink) => orderPipeline(rowParser('orders', header, ctx), sink, ctx),
  async write(trx, workspaceId, units) {
    const existing = await deps.profiles.existingOrderIds(
      trx,
      workspaceId,
      units.map((u) => u.value.orderId),
    );
    const fresh = units.filter((u) => !existing.has(u.value.orderId));
    if (fresh.length === 0) return { imported: 0, skipped: rowsOf(units) };
    const claims: IdentityClaim[] = fresh.map(({ value: o }) => ({ userId: o.userId, email: o.email ?? null, timestamp: o.placedAt, isEvent: false }));
    const profileIds = await deps.profiles.applyClaims(trx, workspaceId, claims);
    await deps.profiles.addOrders(
      trx,
      workspaceId,
      fresh.map(({ value: o }, i) => {
        const profileId = profileIds[i];
        if (!profileId) throw new UnexpectedError(`no profile resolved for order ${o.orderId}`);
        return { orderId: o.orderId, profileId, total: o.total, currency: o.currency, placedAt: o.placedAt, source: 'import', lines: o.lines };
      }),
    );
    const imported = rowsOf(fresh);
    return { imported, skipped: rowsOf(units) - imported };
  },
});

/** Catalog: upsert by id; when an id repeats, its last row wins (one statement may not touch a row twice). */
export const catalogPlan = (deps: PlanDeps): KindPlan<CatalogItem> => ({
  pipeline: (header, ctx, sink) => rowPerUnit(rowParser('catalog', header, ctx), sink),
  async write(trx, workspaceId, units) {
    const byId = new Map<string, CatalogItem>();
    for (const u of units) {
      byId.delete(u.value.id);
      byId.set(u.value.id, u.value);
    }
    await deps.catalog.upsert(trx, workspaceId, [...byId.values()]);
    return { imported: rowsOf(units), skipped: 0 };
  },
});
