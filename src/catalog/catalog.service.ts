import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { Database, ProductTable } from '../db/database.js';
import { readJson, type DbOrTrx, type DialectHelpers } from '../db/dialect.js';
import type { Clock } from '../platform/clock.js';
import { notFound } from '../platform/errors.js';
import { toIso } from '../platform/ids.js';
import { say } from '../platform/language.js';
import { CatalogItem, type CatalogItemInput } from './catalog.schema.js';

export const CatalogListQuery = z.object({
  q: z.string().max(200).optional(),
  category: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type CatalogListQuery = z.infer<typeof CatalogListQuery>;

export const StoredCatalogItem = CatalogItem.extend({ updatedAt: z.iso.datetime() });
export type StoredCatalogItem = z.infer<typeof StoredCatalogItem>;
export const CatalogList = z.object({ items: z.array(StoredCatalogItem), total: z.number().int() });
export type CatalogList = z.infer<typeof CatalogList>;

export interface CatalogService {
  /** Insert or replace items (by id) inside the caller's transaction or on the database. */
  upsert(db: DbOrTrx | null, workspaceId: string, items: readonly CatalogItem[]): Promise<number>;
  list(workspaceId: string, query: CatalogListQuery): Promise<CatalogList>;
  get(workspaceId: string, id: string): Promise<StoredCatalogItem>;
  count(workspaceId: string): Promise<number>;
  categories(workspaceId: string): Promise<{ category: string; count: number }[]>;
}

function toItem(r: Selectable<ProductTable>): StoredCatalogItem {
  return {
    id: r.id,
    type: r.type === 'content' ? 'content' : 'product',
    name: r.name,
    names: readJson(r.names, {}),
    description: r.description,
    descriptions: readJson(r.descriptions, {}),
    categories: readJson<string[]>(r.categories, []),
    price: r.price,
    currency: r.currency,
    inStock: r.in_stock === 1,
    language: r.language,
    url: r.url,
    imageUrl: r.image_url,
    brand: r.brand,
    attributes: readJson(r.attributes, {}),
    updatedAt: toIso(r.updated_at),
  };
}

/** Parse a catalog item from outside data (API body, CSV row, demo generator). */
export const parseCatalogItem = (input: CatalogItemInput): CatalogItem => CatalogItem.parse(input);

export function createCatalogService(deps: { db: Kysely<Database>; dialect: DialectHelpers; clock: Clock }): CatalogService {
  const { db, dialect, clock } = deps;
  return {
    async upsert(handle, workspaceId, items) {
      const target = handle ?? db;
      const now = clock.now();
      for (let i = 0; i < items.length; i += 200) {
        const rows = items.slice(i, i + 200).map((it) => ({
          workspace_id: workspaceId,
          id: it.id,
          type: it.type,
          name: it.name,
          names: JSON.stringify(it.names),
          description: it.description,
          descriptions: JSON.stringify(it.descriptions),
          categories: JSON.stringify(it.categories),
          category: it.categories[0] ?? null,
          price: it.price,
          currency: it.currency,
          in_stock: it.inStock ? 1 : 0,
          language: it.language,
          url: it.url,
          image_url: it.imageUrl,
          brand: it.brand,
          attributes: JSON.stringify(it.attributes),
          created_at: now,
          updated_at: now,
        }));
        await target
          .insertInto('products')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['workspace_id', 'id']).doUpdateSet((eb) => ({
              type: eb.ref('excluded.type'),
              name: eb.ref('excluded.name'),
              names: eb.ref('excluded.names'),
              description: eb.ref('excluded.description'),
              descriptions: eb.ref('excluded.descriptions'),
              categories: eb.ref('excluded.categories'),
              category: eb.ref('excluded.category'),
              price: eb.ref('excluded.price'),
              currency: eb.ref('excluded.currency'),
              in_stock: eb.ref('excluded.in_stock'),
              language: eb.ref('excluded.language'),
              url: eb.ref('excluded.url'),
              image_url: eb.ref('excluded.image_url'),
              brand: eb.ref('excluded.brand'),
              attributes: eb.ref('excluded.attributes'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
      return items.length;
    },

    async list(workspaceId, query) {
      let q = db.selectFrom('products').where('workspace_id', '=', workspaceId);
      if (query.category) q = q.where('category', '=', query.category);
      if (query.q?.trim()) {
        const like = `%${query.q.trim().replace(/[%_\\]/g, '')}%`;
        q = q.where((eb) =>
          eb.or([dialect.ilike('name', like), eb('id', '=', query.q?.trim() ?? ''), dialect.ilike('names', like), dialect.ilike('brand', like)]),
        );
      }
      const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const rows = await q.selectAll().orderBy('id').limit(query.limit).offset(query.offset).execute();
      return { items: rows.map(toItem), total: Number(total.n) };
    },

    async get(workspaceId, id) {
      const row = await db.selectFrom('products').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(say('Product', '商品'), 'id');
      return toItem(row);
    },

    async count(workspaceId) {
      const row = await db.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async categories(workspaceId) {
      const rows = await db
        .selectFrom('products')
        .select(['category', (eb) => eb.fn.countAll<number>().as('n')])
        .where('workspace_id', '=', workspaceId)
        .where('category', 'is not', null)
        .groupBy('category')
        .orderBy('category')
        .execute();
      return rows.map((r) => ({ category: String(r.category), count: Number(r.n) }));
    },
  };
}

