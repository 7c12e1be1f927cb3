import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config/config.js';
import type { DialectName } from '../db/dialect.js';
import { createTestDatabase } from '../db/testing.js';
import type { MessagingOptions } from '../messaging/messaging.module.js';
import type { NlpModelProvider } from '../nlp/enrich.js';
import type { Clock } from '../platform/clock.js';
import { buildApp } from '../server/app.js';
import { createNudge, type Nudge } from '../server/nudge.js';
import { ensureWebBuilt } from '../server/web.js';

export interface TestNudge {
  nudge: Nudge;
  app: FastifyInstance;
  workspace: { id: string; writeKey: string; secretKey: string };
  admin: { id: string; email: string; password: string };
  cleanup(): Promise<void>;
}

/** A complete Nudge (services + HTTP app, not listening) on a fresh database of the given dialect. */
export async function createTestNudge(
  dialect: DialectName,
  options: { clock?: Clock; webDir?: string | null; publicUrl?: string; messaging?: MessagingOptions; nlpModels?: NlpModelProvider } = {},
): Promise<TestNudge> {
  const tdb = await createTestDatabase(dialect);
  const config = loadConfig({}, { dataDir: tdb.dataDir, logLevel: 'silent', ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}), ...(tdb.databaseUrl ? { databaseUrl: tdb.databaseUrl } : {}) });
  const nudge = await createNudge(config, { instanceKey: randomBytes(32), ...(options.clock ? { clock: options.clock } : {}), ...(options.messaging ? { messaging: options.messaging } : {}), ...(options.nlpModels ? { nlpModels: options.nlpModels } : {}) });
  const password = 'correct horse battery';
  const user = await nudge.auth.createUser({ email: 'admin@example.test', name: 'Test Admin', password });
  const { workspace, writeKey, secretKey } = await nudge.workspaces.create({ name: 'Test shop', actor: 'test' });
  await nudge.auth.addMember(user.id, workspace.id, 'admin', 'test');
  const app = await buildApp(nudge, { webDir: options.webDir ?? null });
  return {
    nudge,
    app,
    workspace: { id: workspace.id, writeKey, secretKey },
    admin: { id: user.id, email: user.email, password },
    async cleanup() {
      await app.close();
      await nudge.close();
      await tdb.cleanup();
    },
  };
}

/** Basic auth header as Segment SDKs send the write key. */
export const basicAuth = (key: string): string => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/**
 * A listening server for browser tests: SQLite, the built dashboard, an admin, and a few
 * profiles with events (one known profile to search for).
 */
export async function startNudgeForTest(): Promise<{
  url: string;
  admin: { email: string; password: string };
  workspaceId: string;
  knownProfile: { userId: string; email: string; name: string };
  close(): Promise<void>;
}> {
  const webDir = await ensureWebBuilt();
  const t = await createTestNudge('sqlite', { webDir });
  const knownProfile = { userId: 'u-known-1', email: 'mei.lin@example.com', name: 'Mei Lin' };
  const day = 86_400_000;
  const now = Date.now();
  const events: unknown[] = [
    { type: 'page', anonymousId: 'anon-known', name: 'Home', timestamp: new Date(now - 3 * day).toISOString() },
    { type: 'identify', anonymousId: 'anon-known', userId: knownProfile.userId, traits: { email: knownProfile.email, name: knownProfile.name, city: 'Shanghai', plan: 'gold' }, timestamp: new Date(now - 3 * day + 60_000).toISOString() },
    { type: 'track', userId: knownProfile.userId, event: 'Product Viewed', properties: { product_id: 'sku-1', name: 'Tea set', price: 199 }, timestamp: new Date(now - 2 * day).toISOString() },
    { type: 'track', userId: knownProfile.userId, event: 'Order Completed', properties: { order_id: 'o-1', total: 199, currency: 'CNY', products: [{ product_id: 'sku-1', price: 199, quantity: 1 }] }, timestamp: new Date(now - day).toISOString() },
  ];
  // Older browsing: more than the profile view's first page of 50 events, so its timeline pages back.
  for (let i = 0; i < 56; i++) events.push({ type: 'page', userId: knownProfile.userId, name: `Article ${i}`, timestamp: new Date(now - 10 * day - i * 3_600_000).toISOString() });
  for (let i = 0; i < 20; i++) {
    events.push({ type: 'identify', userId: `u-${i}`, traits: { email: `customer${i}@example.com`, name: `Customer ${i}` }, timestamp: new Date(now - (i % 7) * day).toISOString() });
    events.push({ type: 'track', userId: `u-${i}`, event: 'Product Viewed', properties: { product_id: `sku-${i % 5}` }, timestamp: new Date(now - (i % 7) * day).toISOString() });
  }
  await t.nudge.ingest.ingest(t.workspace.id, events, { pathPrefix: 'batch' });
  await t.nudge.ingest.flush();
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    admin: { email: t.admin.email, password: t.admin.password },
    workspaceId: t.workspace.id,
    knownProfile,
    close: () => t.cleanup(),
  };
}
