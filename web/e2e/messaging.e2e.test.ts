import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { openBrowser, signIn } from './browser.js';
import { startTestSmtp, type TestSmtp } from '../../src/messaging/messaging.testing.js';
import { ensureWebBuilt } from '../../src/server/web.js';
import { createTestNudge, type TestNudge } from '../../src/testing/nudge.testing.js';

// The messaging areas in a real browser against a real server (temp SQLite, the built dashboard)
// and a real SMTP server on loopback: set up SMTP, write an email template with a live preview
// for a chosen customer, hit and fix a validation error, send a test, then read the message log
// and dead letter, in English and Chinese.

const known = { userId: 'u-mei', email: 'mei.lin@example.com', name: 'Mei Lin', plan: 'gold' };
const BOUNCE = 'bounce@example.com';

async function startShop(): Promise<{ t: TestNudge; url: string; smtp: TestSmtp }> {
  const t = await createTestNudge('sqlite', { webDir: await ensureWebBuilt() });
  const smtp = await startTestSmtp();
  // The mailbox of BOUNCE does not exist: a permanent failure, so the message lands in the dead letter.
  smtp.answer = ({ to }) => (to.includes(BOUNCE) ? { code: 550, message: 'No such user' } : null);
  const events: unknown[] = [{ type: 'identify', userId: known.userId, traits: { email: known.email, name: known.name, plan: known.plan } }];
  for (let i = 0; i < 5; i++) events.push({ type: 'identify', userId: `u-${i}`, traits: { email: `customer${i}@example.com`, name: `Customer ${i}`, plan: 'silver' } });
  await t.nudge.ingest.ingest(t.workspace.id, events, { pathPrefix: 'batch' });
  await t.nudge.ingest.flush();
  t.nudge.queue.start();
  return { t, smtp, url: await t.app.listen({ port: 0, host: '127.0.0.1' }) };
}

let shop: Awaited<ReturnType<typeof startShop>>;
let browser: Browser;
let page: Page;
const stamp = Date.now();
const shot = (name: string) => page.screenshot({ path: `/tmp/nudge-e2e-${stamp}-messaging-${name}.png`, fullPage: true });

/** Waits until the element's text contains `text` (the preview is debounced and asynchronous). */
async function textContains(testId: string, text: string): Promise<void> {
  await page.waitForFunction(([id, want]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.includes(want) ?? false, [testId, text] as const, { timeout: 15_000 });
}

before(async () => {
  shop = await startShop();
  ({ browser, page } = await openBrowser({ width: 1400, height: 900 }));
  // Deleting and removing ask for confirmation; this test does neither, but never hang on a dialog.
  page.on('dialog', (d) => void d.accept());
});

after(async () => {
  await browser?.close();
  await shop?.t.cleanup();
  await shop?.smtp.close();
});

test('set up SMTP, write an email template with a live preview, fix an error, send a test, read the log in Chinese', { timeout: 180_000 }, async () => {
  await signIn(page, shop.url, '/settings', shop.t.admin);

  // Channel settings: SMTP to the loopback server; the password is write-only.
  await page.getByTestId('settings-channels').waitFor();
  await page.getByTestId('smtp-host').fill('127.0.0.1');
  await page.getByTestId('smtp-port').fill(String(shop.smtp.port));
  await page.getByTestId('smtp-from').fill('Test Shop <news@shop.test>');
  await page.getByTestId('channel-email').locator('button[type="submit"]').click();
  await page.getByTestId('channel-email-state').filter({ hasText: 'Configured' }).waitFor();
  // The workspace's time zone, for customers without a timezone trait.
  assert.equal(await page.getByTestId('workspace-timezone').inputValue(), 'UTC');
  await page.getByTestId('workspace-timezone').selectOption('Asia/Shanghai');
  await page.getByTestId('workspace-timezone-save').click();
  await page.getByTestId('workspace-timezone-saved').waitFor();
  assert.equal(await shop.t.nudge.workspaces.timezone(shop.t.workspace.id), 'Asia/Shanghai');
  // Its default send hour, for best-time delays: 10:00 until changed.
  assert.equal(await page.getByTestId('workspace-send-hour').inputValue(), '10');
  await page.getByTestId('workspace-send-hour').selectOption({ label: '08:00' });
  await page.getByTestId('workspace-send-hour-save').click();
  await page.getByTestId('workspace-send-hour-saved').waitFor();
  assert.deepEqual(await shop.t.nudge.workspaces.sendDefaults(shop.t.workspace.id), { timezone: 'Asia/Shanghai', defaultSendHour: 8 });
  // Sandbox delivery: off until turned on; while on, the header says so on every page.
  assert.equal(await page.getByTestId('workspace-sandbox').inputValue(), 'false');
  assert.equal(await page.getByTestId('sandbox-badge').count(), 0);
  await page.getByTestId('workspace-sandbox').selectOption('true');
  await page.getByTestId('workspace-sandbox-save').click();
  await page.getByTestId('sandbox-badge').waitFor();
  assert.equal(await shop.t.nudge.workspaces.sandbox(shop.t.workspace.id), true);
  await shot('settings-sandbox');
  await page.getByTestId('workspace-sandbox').selectOption('false');
  await page.getByTestId('workspace-sandbox-save').click();
  await page.getByTestId('sandbox-badge').waitFor({ state: 'detached' });
  assert.equal(await shop.t.nudge.workspaces.sandbox(shop.t.workspace.id), false);
  await shot('settings');

  // A fresh workspace has no templates: the empty state offers the first one.
  await page.getByTestId('nav-templates').click();
  await page.getByTestId('templates-empty').waitFor();
  await page.getByTestId('template-new').first().click();
  await page.getByTestId('template-edit-page').waitFor();
  await page.getByTestId('template-name').fill('Welcome');
  await page.getByTestId('email-subject').fill('Hello {{ traits.name }}');
  await page.getByTestId('email-html').fill('<h1>Welcome, {{ traits.name }}</h1><p>Your plan: {{ traits.plan }}</p>');

  // Rendered as the chosen customer: their traits appear in the subject and the sandboxed HTML.
  await page.getByTestId('preview-profile-search').fill('mei');
  await page.getByTestId('preview-profile-option').first().click();
  await page.getByTestId('preview-profile').waitFor();
  await textContains('preview-subject', `Hello ${known.name}`);
  const frame = page.getByTestId('preview-frame');
  assert.equal(await frame.getAttribute('sandbox'), '', 'the email runs in an empty sandbox');
  await page.waitForFunction((plan) => document.querySelector('[data-testid="preview-frame"]')?.getAttribute('srcdoc')?.includes(`Your plan: ${plan}`) ?? false, known.plan);
  await textContains('preview-text', `Your plan: ${known.plan}`);
  await shot('editor-preview');

  // A variable templates never have is refused on save, and the error sits under the HTML field.
  await page.getByTestId('email-html').fill('<h1>Welcome, {{ customer.first_name }}</h1><p>Your plan: {{ traits.plan }}</p>');
  await page.getByTestId('template-save').click();
  await page.locator('[data-testid="email-html-issues"] [data-code="TEMPLATE_UNKNOWN_VARIABLE"]').waitFor();
  assert.match((await page.getByTestId('email-html-issues').textContent()) ?? '', /customer/);
  assert.equal(await page.getByTestId('content-tab-en').evaluate((el) => el.classList.contains('has-error')), true, 'the English tab is marked');
  await shot('editor-error');

  // Fixed, it saves; the editor now belongs to the saved template.
  await page.getByTestId('email-html').fill('<h1>Welcome, {{ traits.name }}</h1><p>Your plan: {{ traits.plan }}</p>');
  assert.equal(await page.getByTestId('email-html-issues').count(), 0, 'editing the field clears its error');
  await page.getByTestId('template-save').click();
  await page.waitForURL(/\/templates\/[^/]+$/);
  await page.getByTestId('template-saved').waitFor();
  await page.getByTestId('preview-profile').filter({ hasText: known.name }).waitFor();

  // Send a test, and one to an address whose mailbox does not exist.
  await page.getByTestId('test-to').fill('qa@example.com');
  await page.getByTestId('test-send').click();
  await page.locator('[data-testid="test-result"] [data-status="sent"]').waitFor({ timeout: 30_000 });
  assert.equal(shop.smtp.received.length, 1);
  assert.equal(shop.smtp.received[0]?.parsed.subject, `Hello ${known.name}`, 'the test is rendered as the preview customer');
  await page.getByTestId('test-to').fill(BOUNCE);
  await page.getByTestId('test-send').click();
  await page.locator('[data-testid="test-result"] [data-status="failed"]').waitFor({ timeout: 30_000 });
  await shot('editor-test');

  // The list shows the template with its channel and language.
  await page.getByTestId('nav-templates').click();
  await page.getByTestId('template-row').first().waitFor();
  const row = (await page.getByTestId('template-row').first().textContent()) ?? '';
  assert.ok(row.includes('Welcome') && row.includes('Email') && row.includes('EN'), `the row: ${row}`);
  await shot('list');

  // In Chinese, the templates page speaks Chinese.
  await page.getByTestId('lang-zh').click();
  await page.getByTestId('nav-templates').filter({ hasText: '消息模板' }).waitFor();
  assert.equal(await page.getByTestId('page-title').textContent(), '消息模板');
  assert.ok((await page.getByTestId('templates-table').textContent())?.includes('渠道'), 'column headers are Chinese');
  await shot('list-zh');

  // An SMS in Chinese counts as UCS-2: 70 characters a part, and the count says so as you type.
  await page.getByTestId('template-new').click();
  await page.getByTestId('template-channel-sms').click();
  await page.getByTestId('content-tab-zh').click();
  await page.getByTestId('sms-text').fill('您好，您的订单已发货。'.repeat(7));
  const count = page.getByTestId('sms-count');
  assert.equal(await count.getAttribute('data-encoding'), 'UCS-2');
  assert.equal(await count.getAttribute('data-segments'), '2');
  assert.ok((await count.textContent())?.includes('共 2 条'), 'the count is in Chinese');
  await page.getByTestId('preview-sms-text').waitFor();
  await shot('sms-zh');

  // A webhook renders its JSON body for the chosen customer.
  await page.getByTestId('template-channel-webhook').click();
  await page.getByTestId('webhook-url').fill('https://hooks.example.com/nudge');
  await page.getByTestId('webhook-add-header').click();
  await page.getByTestId('webhook-body').fill('{"email": "{{ profile.email }}", "plan": "{{ traits.plan }}"}');
  await page.getByTestId('preview-profile-search').fill('mei');
  await page.getByTestId('preview-profile-option').first().click();
  await textContains('preview-webhook-body', known.email);
  await shot('webhook-zh');

  // Messages: both test sends in the log, with status chips and the chart.
  await page.getByTestId('nav-messages').click();
  await page.getByTestId('messages-page').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="message-row"]').length === 2);
  assert.ok((await page.getByTestId('messages-table').textContent())?.includes('已发送'), 'the sent chip is Chinese');
  await page.getByTestId('chart-status').locator('svg.recharts-surface').first().waitFor();
  await shot('messages-zh');

  // The failed one is in the dead letter, with a retry that runs it again.
  await page.getByTestId('messages-tab-dead').click();
  await page.getByTestId('dead-table').waitFor();
  assert.equal(await page.getByTestId('message-row').count(), 1);
  assert.ok((await page.getByTestId('dead-table').textContent())?.includes(BOUNCE));
  // Why, in Chinese, above the SMTP server's own answer.
  const reason = page.getByTestId('dead-table').getByTestId('message-reason');
  assert.equal(await reason.getAttribute('data-reason'), 'permanent');
  assert.ok((await reason.textContent())?.includes('服务商永久拒收'), `the reason is told in Chinese: ${await reason.textContent()}`);
  await page.getByTestId('message-retry').click();
  await page.getByTestId('retry-result').waitFor({ timeout: 30_000 });
  await shot('dead-zh');

  // Consent: a subscription group with its Chinese name, and a suppressed address.
  await page.getByTestId('messages-tab-groups').click();
  await page.getByTestId('group-name').fill('Newsletter');
  await page.getByTestId('group-name-zh').fill('每周精选');
  await page.getByTestId('group-submit').click();
  await page.getByTestId('group-row').filter({ hasText: '每周精选' }).waitFor();
  await shot('groups-zh');
  await page.getByTestId('messages-tab-suppressions').click();
  await page.getByTestId('suppression-address').fill('spam@example.com');
  await page.getByTestId('suppression-add').click();
  await page.getByTestId('suppression-row').filter({ hasText: 'spam@example.com' }).waitFor();
  await shot('suppressions-zh');
  // A frequency cap: at most 2 marketing emails a week per customer.
  await page.getByTestId('messages-tab-caps').click();
  await page.getByTestId('cap-email-max').fill('2');
  await page.getByTestId('cap-email-days').fill('7');
  await page.getByTestId('cap-email-save').click();
  await page.getByTestId('cap-email').filter({ hasText: '7 天内最多 2 条' }).waitFor();
  await shot('caps-zh');

  // The channel settings in Chinese: SMTP configured, the password never shown.
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('channel-email-state').filter({ hasText: '已配置' }).waitFor();
  assert.equal(await page.getByTestId('smtp-pass').inputValue(), '');
  assert.equal(await page.getByTestId('workspace-timezone').inputValue(), 'Asia/Shanghai');
  await page.getByTestId('settings-workspace').filter({ hasText: '时区' }).waitFor();
  await page.getByTestId('settings-workspace').filter({ hasText: '沙盒发送' }).waitFor();
  await shot('settings-zh');
});
