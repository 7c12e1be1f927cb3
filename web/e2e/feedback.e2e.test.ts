import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { openBrowser, signIn } from './browser.js';
import { ensureWebBuilt } from '../../src/server/web.js';
import { basicAuth, createTestNudge, type TestNudge } from '../../src/testing/nudge.testing.js';

// The Feedback page in a real browser: reviews sent through the Segment-compatible API are analysed
// in the background (shipped default models), then shown as a weekly trend, liked/disliked aspects
// and keywords; clicking a number lists the texts behind it, HTML shown as text, in English and Chinese.

let t: TestNudge;
let url: string;
let browser: Browser;
let page: Page;

const DAY = 86_400_000;
const REVIEWS: Array<[string, string, number]> = [
  ['u1', 'Delivery was terrible and very slow, the box arrived damaged', 2],
  ['u2', 'Great quality, I love it! <script>window.__pwned = 1</script>', 3],
  ['u3', '物流太慢了，包装也破损了，很失望', 9],
  ['u4', '质量很好，非常满意，会回购', 10],
  ['u5', 'The price is great but the delivery was awful', 16],
];

before(async () => {
  t = await createTestNudge('sqlite', { webDir: await ensureWebBuilt() });
  t.nudge.queue.start();
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const now = Date.now();
  const batch = REVIEWS.map(([userId, text, daysAgo], i) => ({
    type: 'track',
    userId,
    messageId: `review-${i}`,
    event: 'Review Submitted',
    properties: { review_text: text, rating: 3 },
    timestamp: new Date(now - daysAgo * DAY).toISOString(),
  }));
  const res = await fetch(`${url}/v1/batch`, { method: 'POST', headers: { authorization: basicAuth(t.workspace.writeKey), 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
  assert.equal(res.status, 200, await res.text());
  await t.nudge.ingest.flush();
  await t.nudge.feedback.close();
  await t.nudge.queue.drain();
  ({ browser, page } = await openBrowser({ width: 1400, height: 1000 }));
});

after(async () => {
  await browser?.close();
  await t?.cleanup();
});

const stamp = Date.now();
test('reviews sent to the API show on the Feedback page, and each number opens its texts', { timeout: 120_000 }, async () => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await signIn(page, url, '/feedback', t.admin);
  await page.waitForURL(/\/feedback/);
  await page.getByTestId('feedback-page').waitFor();
  await page.getByTestId('fb-total').waitFor();
  assert.equal(await page.getByTestId('fb-total').textContent(), String(REVIEWS.length));
  await page.getByTestId('fb-trend').locator('svg').first().waitFor();
  await page.screenshot({ path: `/tmp/nudge-e2e-${stamp}-feedback-0.png`, fullPage: true });

  // Delivery is disliked in three reviews: the click lists exactly those.
  const delivery = page.locator('[data-testid="fb-aspect"][data-aspect="delivery"]');
  await delivery.waitFor();
  await delivery.getByTestId('fb-aspect-disliked').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="fb-texts-title"]')?.textContent?.includes('Delivery'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="fb-text"]').length === 3);
  const texts = await page.getByTestId('fb-text').allTextContents();
  assert.ok(texts.some((x) => x.includes('物流太慢')), texts.join('\n'));
  assert.ok(texts.every((x) => !x.includes('Great quality')));

  // The texts behind a week; a review's markup is shown as text and never runs.
  await page.getByTestId('fb-texts-clear').click();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="fb-text"]')].some((n) => n.textContent?.includes('<script>')));
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  const week = page.getByTestId('fb-week').first();
  const weekCount = Number((await week.textContent())?.split('·')[1]?.trim());
  await week.click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="fb-text"]').length === n, weekCount);

  // A keyword opens the texts that use it.
  const keyword = page.getByTestId('fb-keyword').first();
  const word = (await keyword.getAttribute('data-keyword')) ?? '';
  await keyword.click();
  await page.waitForFunction((w) => document.querySelector('[data-testid="fb-texts-title"]')?.textContent?.includes(w), word);

  // Filter by language: the two Chinese reviews.
  await page.getByTestId('fb-lang-zh').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="fb-total"]')?.textContent === '2');

  // In Chinese.
  await page.evaluate(() => localStorage.setItem('nudge.lang', 'zh'));
  await page.reload();
  await page.getByTestId('feedback-page').waitFor();
  await page.getByRole('heading', { name: '反馈' }).first().waitFor();
  await page.getByText('喜欢与不满意').first().waitFor();
  await page.screenshot({ path: `/tmp/nudge-e2e-${stamp}-feedback-1.png`, fullPage: true });

  // Try a text: two opinions, two aspects; an overlong text gets the server's clear error.
  await page.getByTestId('fb-analyze-text').fill('物流很快，但是质量很差');
  await page.getByTestId('fb-analyze-run').click();
  await page.getByTestId('fb-analyze-result').getByText('物流 · 正面').waitFor();
  await page.getByTestId('fb-analyze-result').getByText('质量 · 负面').waitFor();
  await page.getByTestId('fb-analyze-text').fill('好'.repeat(10_001));
  await page.getByTestId('fb-analyze-run').click();
  await page.getByTestId('fb-analyze').getByTestId('inline-error').getByText('FEEDBACK_TEXT_TOO_LONG').waitFor();

  // Settings: add an event, save.
  await page.getByTestId('fb-source-add').click();
  await page.getByTestId('fb-source-event').last().fill('Ticket Opened');
  await page.getByTestId('fb-source-paths').last().fill('ticket.body');
  await page.getByTestId('fb-settings-save').click();
  await page.getByTestId('fb-settings-saved').waitFor();
  const saved = await t.nudge.feedback.service.settings(t.workspace.id);
  assert.ok(saved.sources.some((s) => s.event === 'Ticket Opened' && s.paths[0] === 'ticket.body'));
  assert.deepEqual(errors, []);
});
