import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { openBrowser, signIn } from './browser.js';
import { seedDemoWorkspace } from '../../src/demo/demo.service.js';
import { ensureWebBuilt } from '../../src/server/web.js';
import { createTestNudge, type TestNudge } from '../../src/testing/nudge.testing.js';

// The recommendations page in a real browser on a small demo shop: train now and watch the job,
// compare the versions, promote one, look up a customer's recommendations with their reasons (in
// English, then Chinese), and change a rule.

let t: TestNudge;
let url: string;
let browser: Browser;
let page: Page;
let demoSecret: string;

before(async () => {
  t = await createTestNudge('sqlite', { webDir: await ensureWebBuilt() });
  const demo = await seedDemoWorkspace(t.nudge, { customers: 300, memberUserId: t.admin.id });
  demoSecret = demo.secretKey;
  t.nudge.queue.start();
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  ({ browser, page } = await openBrowser({ width: 1400, height: 1000 }));
});

after(async () => {
  await browser?.close();
  await t?.cleanup();
});

const stamp = Date.now();
test('train on the demo shop, promote a version, and look up a customer with reasons', { timeout: 240_000 }, async () => {
  page.on('pageerror', (err) => console.error('[page error]', err.message));
  await signIn(page, url, '/recommendations', t.admin);
  await page.waitForURL(/\/recommendations/);
  await page.screenshot({ path: `/tmp/nudge-e2e-${stamp}-rec-0.png`, fullPage: true });
  await page.getByTestId('recommendations-page').waitFor();
  // The admin belongs to the test workspace and the demo: open the demo.
  await page.evaluate((ws) => localStorage.setItem('nudge.workspace', ws), (await t.nudge.workspaces.list()).find((w) => w.isDemo)?.id ?? '');
  await page.goto(`${url}/recommendations`);
  await page.getByTestId('recommendations-page').waitFor();
  // The demo seed trained a first model: it is already serving.
  await page.getByTestId('rec-promoted').waitFor({ timeout: 30_000 });

  const before = await page.getByTestId('rec-version').count();
  await page.getByTestId('rec-train').click();
  // The job's progress shows while it runs (it may finish before the first poll on a small shop).
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="rec-version"]').length > n && !document.querySelector('[data-testid="rec-job"]'), before, { timeout: 180_000 });
  await page.screenshot({ path: `/tmp/nudge-e2e-${stamp}-rec-1.png`, fullPage: true });
  await page.locator('[data-testid="rec-version"][data-algorithm="hybrid"]').first().waitFor();
  await page.getByTestId('rec-compare').locator('svg').first().waitFor();

  // Promote a version that is not serving.
  const candidate = page.locator('[data-testid="rec-version"][data-promoted="false"]').first();
  const algorithm = await candidate.getAttribute('data-algorithm');
  await candidate.getByTestId('rec-promote').click();
  await page.locator(`[data-testid="rec-version"][data-promoted="true"][data-algorithm="${algorithm}"]`).first().waitFor();

  // Look up a customer of the demo shop.
  await page.getByTestId('rec-lookup-input').fill('u-00001');
  await page.getByTestId('rec-lookup-submit').click();
  await page.getByTestId('rec-lookup-result').waitFor();
  assert.ok((await page.getByTestId('rec-item').count()) > 0);
  const reasonEn = (await page.getByTestId('rec-reason').first().textContent()) ?? '';
  assert.match(reasonEn, /Because you|Popular|Similar|Often bought|Picked for you|Featured/);

  // An unknown id is not an error: popular items.
  await page.getByTestId('rec-lookup-input').fill('nobody-at-all');
  await page.getByTestId('rec-lookup-submit').click();
  await page.locator('[data-testid="rec-lookup-result"][data-source="popularity"]').waitFor();

  // The same page in Chinese.
  await page.evaluate(() => localStorage.setItem('nudge.lang', 'zh'));
  await page.reload();
  await page.getByTestId('recommendations-page').waitFor();
  assert.match((await page.locator('h1').first().textContent()) ?? '', /推荐/);
  await page.getByTestId('rec-lookup-input').fill('u-00001');
  await page.getByTestId('rec-lookup-submit').click();
  await page.getByTestId('rec-lookup-result').waitFor();
  assert.match((await page.getByTestId('rec-reason').first().textContent()) ?? '', /因为|热门|相似|一起购买|为你挑选|精选|热销/);

  // A rule change is saved.
  await page.getByTestId('rec-rule-maxPerCategory').fill('2');
  await page.getByTestId('rec-rules-save').click();
  await page.getByTestId('rec-rules-saved').waitFor();
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/recommendations/settings', headers: { authorization: `Bearer ${demoSecret}` } });
  assert.equal(res.json().rules.maxPerCategory, 2);
});
