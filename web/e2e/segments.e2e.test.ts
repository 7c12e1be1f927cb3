import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { openBrowser, signIn } from './browser.js';
import { ensureWebBuilt } from '../../src/server/web.js';
import { createTestNudge, type TestNudge } from '../../src/testing/nudge.testing.js';

// The segments area in a real browser against a real server (temp SQLite, the built dashboard and
// a running job queue, which computes memberships and RFM scores): build a rule, watch the live
// count, save, read the segment in both languages, then recompute RFM and see its grid.

const known = { userId: 'u-known-1', email: 'mei.lin@example.com', name: 'Mei Lin' };

/** 21 customers who viewed products in the last week; only Mei Lin is on the gold plan and has an order. */
async function startShop(): Promise<{ t: TestNudge; url: string }> {
  const t = await createTestNudge('sqlite', { webDir: await ensureWebBuilt() });
  const day = 86_400_000;
  const now = Date.now();
  const at = (daysAgo: number) => new Date(now - daysAgo * day).toISOString();
  const events: unknown[] = [
    { type: 'identify', userId: known.userId, traits: { email: known.email, name: known.name, plan: 'gold' }, timestamp: at(3) },
    { type: 'track', userId: known.userId, event: 'Product Viewed', properties: { product_id: 'sku-1', price: 199 }, timestamp: at(2) },
    { type: 'track', userId: known.userId, event: 'Order Completed', properties: { order_id: 'o-1', total: 199, currency: 'CNY' }, timestamp: at(1) },
  ];
  for (let i = 0; i < 20; i++) {
    events.push({ type: 'identify', userId: `u-${i}`, traits: { email: `customer${i}@example.com`, name: `Customer ${i}`, plan: 'silver' }, timestamp: at(i % 7) });
    events.push({ type: 'track', userId: `u-${i}`, event: 'Product Viewed', properties: { product_id: `sku-${i % 5}` }, timestamp: at(i % 7) });
  }
  await t.nudge.ingest.ingest(t.workspace.id, events, { pathPrefix: 'batch' });
  await t.nudge.ingest.flush();
  t.nudge.queue.start();
  return { t, url: await t.app.listen({ port: 0, host: '127.0.0.1' }) };
}

let shop: Awaited<ReturnType<typeof startShop>>;
let browser: Browser;
let page: Page;
const stamp = Date.now();
const shot = (name: string) => page.screenshot({ path: `/tmp/nudge-e2e-${stamp}-segments-${name}.png`, fullPage: true });

/** Waits until the live preview shows `count` (the preview is debounced and asynchronous). */
async function previewCount(count: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelector('[data-testid="preview-count"]')?.getAttribute('data-count') === String(n), count, { timeout: 15_000 });
}

before(async () => {
  shop = await startShop();
  ({ browser, page } = await openBrowser({ width: 1400, height: 900 }));
});

after(async () => {
  await browser?.close();
  await shop?.t.cleanup();
});

test('build a segment with the rule builder, save it, read it in Chinese, and open the RFM grid', { timeout: 180_000 }, async () => {
  await signIn(page, shop.url, '/segments', shop.t.admin);

  // A fresh workspace has no segments: the empty state offers the first one.
  await page.getByTestId('segments-page').waitFor();
  await page.getByTestId('segments-empty').waitFor();
  await page.getByTestId('segment-new').first().click();
  await page.getByTestId('segment-edit-page').waitFor();
  await page.getByTestId('rule-builder').waitFor();

  // A nested group that must match all of: an event condition, then a trait condition.
  await page.getByTestId('group-root-add-group').click();
  await page.getByTestId('group-root-0-and').click();
  await page.getByTestId('group-root-0-add-condition').click();
  await page.getByTestId('group-root-0-add-event').click();
  await page.getByTestId('cond-root-0-0-name').fill('Product Viewed');
  // Everyone seeded viewed a product in the last 30 days (the builder's default window).
  await previewCount(21);
  assert.ok((await page.getByTestId('preview-member').count()) > 0, 'the preview shows sample members');
  assert.match((await page.getByTestId('preview-took').textContent()) ?? '', /\d+ ms/);

  await page.getByTestId('group-root-0-add-condition').click();
  await page.getByTestId('group-root-0-add-trait').click();
  // Until the key is filled in the condition is incomplete and no count is asked for.
  await page.locator('[data-testid="cond-root-0-1"].is-incomplete').waitFor();
  await page.getByTestId('cond-root-0-1-key').fill('plan');
  await page.getByTestId('cond-root-0-1-value').fill('gold');
  // The count follows the edit: only Mei Lin is on the gold plan.
  await previewCount(1);
  assert.ok((await page.getByTestId('preview-sample').textContent())?.includes(known.name), 'the sample is Mei Lin');
  await shot('editor');

  await page.getByTestId('segment-name').fill('Gold viewers');
  await page.getByTestId('segment-save').click();

  // Saving opens the segment; its membership is computed in the background.
  await page.waitForURL(/\/segments\/[^/]+$/);
  await page.getByTestId('segment-detail-page').waitFor();
  assert.equal(await page.getByTestId('segment-title').textContent(), 'Gold viewers');
  await page.locator('[data-testid="compute-state"][data-state="ready"]').waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.textContent === '1');
  await page.getByTestId('member-row').first().waitFor();
  assert.equal(await page.getByTestId('member-row').count(), 1);
  assert.ok((await page.getByTestId('members-table').textContent())?.includes(known.email), 'Mei Lin is the member');
  const rules = (await page.getByTestId('segment-definition').textContent()) ?? '';
  assert.ok(rules.includes('Performed “Product Viewed”') && rules.includes('in the last 30 days'), `rules read as a sentence: ${rules}`);
  assert.ok(rules.includes('plan is “gold”'), `the trait condition reads as a sentence: ${rules}`);
  await page.getByTestId('chart-size').waitFor();
  await shot('detail');

  // The list shows the new segment with its size.
  await page.getByTestId('nav-segments').click();
  await page.getByTestId('segment-row').first().waitFor();
  assert.equal((await page.getByTestId('segment-row-count').first().textContent())?.trim(), '1');

  // In Chinese, the segment page speaks Chinese, rules included.
  await page.getByTestId('segment-row').first().click();
  await page.getByTestId('segment-detail-page').waitFor();
  await page.getByTestId('lang-zh').click();
  await page.getByTestId('nav-segments').filter({ hasText: '客户分群' }).waitFor();
  await page.getByTestId('segment-definition').filter({ hasText: '做过' }).waitFor();
  const zhRules = (await page.getByTestId('segment-definition').textContent()) ?? '';
  assert.ok(zhRules.includes('在最近 30 天内做过 「Product Viewed」'), `rules in Chinese: ${zhRules}`);
  assert.ok(zhRules.includes('plan 等于 「gold」'), `trait rule in Chinese: ${zhRules}`);
  assert.ok((await page.getByTestId('segment-members').textContent())?.includes('成员'), 'the members card is in Chinese');
  await shot('detail-zh');

  // RFM: recompute, watch the job finish, then the 5×5 grid.
  await page.getByTestId('nav-rfm').click();
  await page.getByTestId('rfm-page').waitFor();
  await page.getByTestId('rfm-recompute').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="rfm-job"]') && !document.querySelector('[data-testid="rfm-recompute"]')?.hasAttribute('disabled'), undefined, { timeout: 60_000 });
  await page.getByTestId('rfm-grid').waitFor();
  assert.equal(await page.getByTestId('rfm-grid').locator('[role="cell"]').count(), 25, 'one cell per recency × frequency score');
  assert.ok((await page.getByTestId('rfm-groups').textContent())?.includes('重要价值客户'), 'groups are named in Chinese');
  await shot('rfm-zh');
});
