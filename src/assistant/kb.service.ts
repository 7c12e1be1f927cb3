import { parse as parseCsv } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { readJson } from '../db/dialect.js';
import type { Clock } from '../platform/clock.js';
import { jsonPath, notFound, UserError } from '../platform/errors.js';
import { newId, toIso } from '../platform/ids.js';
import { say } from '../platform/language.js';
import { assistantDb, type KbArticleRow } from './assistant.tables.js';
import { ArticleInput, type Article, type ArticleImport, type ArticleInputRaw, type ArticleList, type ArticleListQuery } from './kb.schema.js';
import { buildFaqIndex, type FaqIndex, type RetrievableArticle as RetrieveableArticleRow } from './retrieval.js';

export interface KnowledgeBase {
  list(workspaceId: string, query: ArticleListQuery): Promise<ArticleList>;
  get(workspaceId: string, id: string): Promise<Article>;
  /** Several articles by id, in the order given (unknown ids are skipped). */
  many(workspaceId: string, ids: readonly string[]): Promise<Article[]>;
  create(workspaceId: string, input: ArticleInputRaw | Record<string, unknown>): Promise<Article>;
  update(workspaceId: string, id: string, input: ArticleInputRaw | Record<string, unknown>): Promise<Article>;
  remove(workspaceId: string, id: string): Promise<void>;
  import(workspaceId: string, request: ArticleImport): Promise<{ imported: number }>;
  /** The workspace's retrieval index, rebuilt after any change. */
  index(workspaceId: string): Promise<FaqIndex>;
}

function toArticle(r: KbArticleRow): Article {
  return {
    id: r.id,
    language: r.language === 'zh' ? 'zh' : 'en',
    title: r.title,
    body: r.body,
    questions: readJson<string[]>(r.questions, []),
    tags: readJson<string[]>(r.tags, []),
    intent: r.intent,
    createdAt: toIso(Number(r.created_at)),
    updatedAt: toIso(Number(r.updated_at)),
  };
}

function parseInput(raw: unknown, prefix = ''): ArticleInput {
  const parsed = ArticleInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = jsonPath(issue?.path ?? [], prefix);
    throw new UserError('ASSISTANT_ARTICLE_INVALID', say(`${field || 'article'}: ${issue?.message ?? 'invalid'}`, `${field || '文章'}: ${issue?.message ?? '无效'}`), { field: field || 'body' });
  }
  return parsed.data;
}

const list = (s: string | undefined): string[] => (s ? s.split('|').map((x) => x.trim()).filter(Boolean) : []);

/** Articles from an import body; every row is validated before anything is written. */
export function parseArticleImport(request: Pick<ArticleImport, 'format' | 'content'>): ArticleInput[] {
  if (request.format === 'json') {
    let data: unknown;
    try {
      data = JSON.parse(request.content);
    } catch (err) {
      throw new UserError('ASSISTANT_IMPORT_INVALID', say(`The content is not valid JSON: ${(err as Error).message}`, `内容不是有效的 JSON：${(err as Error).message}`), { field: 'content' });
    }
    const items = z.array(z.unknown()).max(5000).safeParse(Array.isArray(data) ? data : (data as { articles?: unknown } | null)?.articles);
    if (!items.success) throw new UserError('ASSISTANT_IMPORT_INVALID', say('Expected a JSON array of articles (or {"articles": [...]}) of at most 5000', '内容应为文章的 JSON 数组（或 {"articles": [...]}），最多 5000 篇'), { field: 'content' });
    return items.data.map((item, i) => parseInput(item, `content[${i}]`));
  }
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(request.content, { columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()), skip_empty_lines: true, bom: true, trim: true }) as Record<string, string>[]; // columns: true yields objects of strings
  } catch (err) {
    throw new UserError('ASSISTANT_IMPORT_INVALID', say(`The content is not valid CSV: ${(err as Error).message}`, `内容不是有效的 CSV：${(err as Error).message}`), { field: 'content' });
  }
  if (rows.length > 5000) throw new UserError('ASSISTANT_IMPORT_INVALID', say('At most 5000 articles in one import', '单次最多导入 5000 篇文章'), { field: 'content' });
  return rows.map((r, i) => parseInput({ language: r.language, title: r.title, body: r.body, questions: list(r.questions), tags: list(r.tags), intent: r.intent ? r.intent : null }, `content[${i + 1}]`));
}

export function createKnowledgeBase(deps: { db: Kysely<Database>; clock: Clock }): KnowledgeBase {
  const db = assistantDb(deps.db);
  const cache = new Map<string, { version: number; index: Promise<FaqIndex> }>();
  // Bumped on every change in this process; other processes rebuild when the newest update time moves.
  const changed = (ws: string) => cache.delete(ws);

  const row = async (ws: string, id: string): Promise<KbArticleRow> => {
    const r = await db.selectFrom('kb_articles').selectAll().where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound(say('Article', '文章'), 'id');
    return r;
  };
  const values = (ws: string, a: ArticleInput, now: number) => ({
    workspace_id: ws,
    language: a.language,
    title: a.title,
    body: a.body,
    questions: JSON.stringify(a.questions),
    tags: JSON.stringify(a.tags),
    intent: a.intent,
    updated_at: now,
  });
  const stamp = async (ws: string): Promise<number> => {
    const r = await db.selectFrom('kb_articles').select((eb) => [eb.fn.max('updated_at').as('at'), eb.fn.countAll().as('n')]).where('workspace_id', '=', ws).executeTakeFirst();
    return Number(r?.at ?? 0) * 100_000 + Number(r?.n ?? 0);
  };

  return {
    async list(ws, q) {
      let query = db.selectFrom('kb_articles').where('workspace_id', '=', ws);
      if (q.language) query = query.where('language', '=', q.language);
      if (q.q) {
        // Wildcards are dropped rather than escaped (as in the catalog search): LIKE escapes differ by dialect.
        const like = `%${q.q.trim().toLowerCase().replace(/[%_\\]/g, '')}%`;
        query = query.where((eb) => eb.or([eb(eb.fn('lower', ['title']), 'like', like), eb(eb.fn('lower', ['body']), 'like', like)]));
      }
      const total = await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
      const rows = await query.selectAll().orderBy('language').orderBy('title').orderBy('id').limit(q.limit).offset(q.offset).execute();
      return { items: rows.map(toArticle), total: Number(total?.n ?? 0) };
    },
    async get(ws, id) {
      return toArticle(await row(ws, id));
    },
    async many(ws, ids) {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('kb_articles').selectAll().where('workspace_id', '=', ws).where('id', 'in', [...ids]).execute();
      const byId = new Map(rows.map((r) => [r.id, toArticle(r)]));
      return ids.map((id) => byId.get(id)).filter((a): a is Article => a !== undefined);
    },
    async create(ws, input) {
      const a = parseInput(input);
      const now = deps.clock.now();
      const id = newId('kb', now);
      await db.insertInto('kb_articles').values({ ...values(ws, a, now), id, created_at: now }).execute();
      changed(ws);
      return toArticle(await row(ws, id));
    },
    async update(ws, id, input) {
      const a = parseInput(input);
      await row(ws, id);
      await db.updateTable('kb_articles').set(values(ws, a, deps.clock.now())).where('workspace_id', '=', ws).where('id', '=', id).execute();
      changed(ws);
      return toArticle(await row(ws, id));
    },
    async remove(ws, id) {
      const r = await db.deleteFrom('kb_articles').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw notFound(say('Article', '文章'), 'id');
      changed(ws);
    },
    async import(ws, request) {
      const articles = parseArticleImport(request);
      const now = deps.clock.now();
      await db.transaction().execute(async (trx) => {
        if (request.replace) await trx.deleteFrom('kb_articles').where('workspace_id', '=', ws).execute();
        for (let i = 0; i < articles.length; i += 200) {
          const chunk = articles.slice(i, i + 200).map((a, j) => ({ ...values(ws, a, now), id: newId('kb', now + i + j), created_at: now }));
          if (chunk.length > 0) await trx.insertInto('kb_articles').values(chunk).execute();
        }
      });
      changed(ws);
      return { imported: articles.length };
    },
    async index(ws) {
      const version = await stamp(ws);
      const hit = cache.get(ws);
      if (hit && hit.version === version) return hit.index;
      const index = (async () => {
        const rows: RetrieveableArticleRow[] = (await db.selectFrom('kb_articles').selectAll().where('workspace_id', '=', ws).execute()).map((r) => ({
          id: r.id,
          language: r.language,
          title: r.title,
          body: r.body,
          questions: readJson<string[]>(r.questions, []),
          intent: r.intent,
        }));
        return buildFaqIndex(rows);
      })();
      cache.set(ws, { version, index });
      index.catch(() => cache.delete(ws));
      return index;
    },
  };
}
