import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { openBrowser, signIn } from './browser.js';
import { startNudgeForTest } from '../../src/testing/nudge.testing.js';

// A real server (temp SQLite, seeded profiles and events, the built dashboard) driven by
// Debian's Chromium: the path a marketer takes on day one, in both languages.

type Nudge = Awaited<ReturnType<typeof startNudgeForTest>>;

let nudge: Nudge;
let browser: Browser;
let page: Page;
const stamp = Date.now();
const shot = (name: string) => page.screenshot({ path: `/tmp/nudge-e2e-${stamp}-${name}.png`, fullPage: true });

before(async () => {
  nudge = await startNudgeForTest();
  ({ browser, page } = await openBrowser({ width: 1400, height: 900 }));
});

after(async () => {
  await browser?.close();
  await nudge?.close();
});

test('log in, see live charts, open a profile, switch to Chinese and keep it after reload', { timeout: 120_000 }, async () => {
  // A signed-out visitor is sent to the login page.
  await signIn(page, nudge.url, '/', nudge.admin);

  // The overview renders its charts as SVG.
  await page.getByTestId('overview-page').waitFor();
  await page.getByTestId('chart-events').locator('svg.recharts-surface').first().waitFor();
  assert.ok((await page.locator('svg.recharts-surface').count()) >= 3, 'events, active customers and revenue charts render');
  assert.equal(await page.getByTestId('kpi').count(), 4);
  await shot('overview');

  // Find the known customer by email and open the profile.
  await page.getByTestId('nav-customers').click();
  await page.getByTestId('customers-page').waitFor();
  await page.getByTestId('customers-search').fill(nudge.knownProfile.email);
  // The search is debounced; wait until the list has narrowed to the one matching customer.
  await page.waitForURL(/[?&]q=/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="customer-row"]').length === 1);
  const row = page.getByTestId('customer-row');
  assert.ok((await row.textContent())?.includes(nudge.knownProfile.email), 'the one row is the known customer');
  await row.click();

  await page.waitForURL(/\/customers\/[^/]+$/);
  await page.getByTestId('profile-name').waitFor();
  assert.equal(await page.getByTestId('profile-name').textContent(), nudge.knownProfile.name);
  assert.ok((await page.getByTestId('trait-row').count()) > 0, 'traits are listed');
  const identities = await page.getByTestId('profile-identities').textContent();
  assert.ok(identities?.includes(nudge.knownProfile.email), 'the email is one of the identities');
  assert.ok(identities?.includes(nudge.knownProfile.userId), 'the userId is one of the identities');
  // 60 events: the first page of 50, then the rest on "load more", which then goes away.
  assert.equal(await page.getByTestId('timeline-event').count(), 50, 'the first page of the timeline');
  await page.getByTestId('timeline-more').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="timeline-event"]').length === 60);
  await page.getByTestId('timeline-more').waitFor({ state: 'detached' });
  await page.getByTestId('timeline-toggle').first().click();
  await page.getByTestId('timeline-details').first().waitFor();
  await shot('profile');

  // Switch the UI to Chinese: the navigation follows at once…
  await page.getByTestId('lang-zh').click();
  await page.getByTestId('nav-customers').filter({ hasText: '客户' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  assert.equal(await page.getByTestId('profile-name').textContent(), nudge.knownProfile.name);
  await shot('profile-zh');

  // …and the choice survives a reload.
  await page.reload();
  await page.getByTestId('profile-name').waitFor();
  assert.equal((await page.getByTestId('nav-customers').textContent())?.trim(), '客户');
  assert.equal(await page.getByTestId('lang-zh').getAttribute('aria-pressed'), 'true');
  await shot('profile-zh-reloaded');

  // The server's own refusals come in the dashboard's language too: a customer who does not exist.
  await page.goto(`${nudge.url}/customers/no-such-customer`);
  await page.getByText('未找到客户').first().waitFor();
  await shot('profile-missing-zh');
});
