import { z } from 'zod';

/** A product or content item: what recommendations rank and templates show. */
export const CatalogItem = z.object({
  id: z.string().min(1).max(200),
  type: z.enum(['product', 'content']).default('product'),
  name: z.string().min(1).max(500),
  /** Localised names, e.g. { zh: '无线蓝牙耳机', en: 'Wireless earbuds' }. */
  names: z.record(z.string(), z.string()).default({}),
  description: z.string().max(20_000).default(''),
  descriptions: z.record(z.string(), z.string()).default({}),
  /** Category path from broad to narrow, e.g. ['Electronics', 'Audio']. */
  categories: z.array(z.string().min(1).max(200)).max(10).default([]),
  price: z.number().nonnegative().nullable().default(null),
  currency: z.string().length(3).default('CNY'),
  inStock: z.boolean().default(true),
  /** BCP-47 language of the primary name/description: 'zh', 'en', … */
  language: z.string().min(2).max(10).default('en'),
  url: z.string().max(2000).nullable().default(null),
  imageUrl: z.string().max(2000).nullable().default(null),
  brand: z.string().max(200).nullable().default(null),
  attributes: z.record(z.string(), z.unknown()).default({}),
});
export type CatalogItem = z.infer<typeof CatalogItem>;
export type CatalogItemInput = z.input<typeof CatalogItem>;
