import { z } from 'zod';
import { INTENTS } from './intents.data.js';

/** One FAQ article of the knowledge base. */
export const ArticleInput = z.object({
  language: z.enum(['zh', 'en']),
  title: z.string().trim().min(1).max(300),
  body: z.string().trim().min(1).max(20_000),
  /** Other ways customers ask this (improve retrieval). */
  questions: z.array(z.string().trim().min(1).max(500)).max(50).default([]),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
  /** The built-in intent this article answers, if any. */
  intent: z.enum(INTENTS).nullable().default(null),
});
export type ArticleInput = z.infer<typeof ArticleInput>;
export type ArticleInputRaw = z.input<typeof ArticleInput>;

export const Article = z.object({
  id: z.string(),
  language: z.enum(['zh', 'en']),
  title: z.string(),
  body: z.string(),
  questions: z.array(z.string()),
  tags: z.array(z.string()),
  intent: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Article = z.infer<typeof Article>;

export const ArticleList = z.object({ items: z.array(Article), total: z.number().int() });
export type ArticleList = z.infer<typeof ArticleList>;

export const ArticleListQuery = z.object({
  q: z.string().max(500).optional(),
  language: z.enum(['zh', 'en']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ArticleListQuery = z.infer<typeof ArticleListQuery>;

/** Import: a JSON array of articles or a CSV (header: language,title,body[,questions,tags,intent]; lists split on "|"). */
export const ArticleImport = z.object({
  format: z.enum(['json', 'csv']),
  content: z.string().min(1).max(5_000_000),
  /** Replace every article of the workspace (default: add). */
  replace: z.boolean().default(false),
});
export type ArticleImport = z.infer<typeof ArticleImport>;

export const ArticleImportResult = z.object({ imported: z.number().int() });
