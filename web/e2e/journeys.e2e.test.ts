import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { openBrowser, signIn } from './browser.js';
import { ensureWebBuilt } from '../../src/server/web.js';
import { createTestNudge, type TestNudge } from '../../src/testing/nudge.testing.js';

// Journeys and broadcasts in a real browser against a real server (temp SQLite, the built
// dashboard, a running queue): draw a journey on the canvas, see publish issues on the offending
// step, fix them, publish, simulate it for one customer, then open broadcasts and read it all in Chinese.

const known = { userId: 'u-mei', email: 'mei.lin@example.com', name: 'Mei Lin' };

async function startShop(): Promise<{ t: TestNudge; url: string; templateId: string; segmentId: string }> {
  const t = await createTestNudge('sqlite', { webDir: await ensureWebBuilt() });
  await t.nudge.ingest.ingest(t.workspace.id, [{ type: 'identify', userId: known.userId, traits: { email: known.email, name: known.name } }], { pathPrefix: 'batch' });
  await t.nudge.ingest.flush();
  t.nudge.queue.start();
  const api = async (url: string, payload: object): Promise<{ id: string }> => {
    const res = await t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${t.workspace.secretKey}` }, payload });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<{ id: string }>();
  };
  const template = await api('/api/v1/templates', {
    name: 'Welcome email',
    kind: 'marketing',
    defaultLocale: 'en',
    body: { channel: 'email', content: { en: { subject: 'Welcome, {{ profile.traits.name }}', html: '<p>Hi {{ profile.traits.name }}</p>', text: 'Hi {{ profile.traits.name }}, welcome aboard.' } } },
  });
  const segment = await api('/api/v1/segments', { name: 'Has email', definition: { root: { kind: 'trait', key: 'email', op: 'exists' } } });
  return { t, url: await t.app.listen({ port: 0, host: '127.0.0.1' }), templateId: template.id, segmentId: segment.id };
}

let shop: Awaited<ReturnType<typeof startShop>>;
let browser: Browser;
let page: Page;
const stamp = Date.now();
const shot = (name: string) => page.screenshot({ path: `/tmp/nudge-e2e-${stamp}-journeys-${name}.png`, fullPage: true });

/** Drags a connection from a source handle to a node's target handle, as a user does with the mouse. */
async function connect(from: Locator, toNode: string): Promise<void> {
  // The canvas re-fits itself after a step is added; let it settle before aiming.
  await page.waitForTimeout(300);
  const a = await from.boundingBox();
  const b = await page.locator(`[data-testid="rf__node-${toNode}"] .react-flow__handle.target`).boundingBox();
  assert.ok(a && b, 'both handles are on screen');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

before(async () => {
  shop = await startShop();
  ({ browser, page } = await openBrowser({ width: 1500, height: 950 }));
});

after(async () => {
  await browser?.close();
  await shop?.t.cleanup();
});

test('draw a journey, fix its publish issues, publish, simulate, open broadcasts, read it in Chinese', { timeout: 180_000 }, async () => {
  await signIn(page, shop.url, '/journeys', shop.t.admin);

  // No journeys yet: create one, which opens the builder.
  await page.getByTestId('journeys-empty').waitFor();
  await page.getByTestId('journey-new').first().click();
  await page.getByTestId('journey-create-name').fill('Welcome series');
  await page.getByTestId('journey-create-submit').click();
  await page.getByTestId('journey-builder').waitFor();
  await page.getByTestId('journey-banner').filter({ hasText: 'not been published' }).waitFor();
  assert.equal(await page.getByTestId('journey-status').getAttribute('data-status'), 'draft');

  // Entry: when "Signed Up" happens.
  await page.getByTestId('entry-event-name').fill('Signed Up');
  await page.getByTestId('jnode-entry').filter({ hasText: 'Signed Up' }).waitFor();

  // A send step with the welcome template, then an exit.
  await page.getByTestId('palette-send').click();
  await page.locator('[data-testid="node-panel"][data-node="send_1"]').waitFor();
  await page.getByTestId('send-template').selectOption(shop.templateId);
  await page.getByTestId('jnode-send_1').filter({ hasText: 'Welcome email' }).waitFor();
  await page.getByTestId('palette-exit').click();
  await page.getByTestId('jnode-exit_1').waitFor();

  // Only the entry is connected: publishing names the dead end on the send step.
  await connect(page.getByTestId('handle-entry-out'), 'send_1');
  await page.locator('.react-flow__edge').first().waitFor({ state: 'attached' });
  await shot('connected');
  await page.getByTestId('journey-publish').click();
  await page.getByTestId('journey-issues').waitFor();
  await page.locator('[data-testid="jnode-send_1"].is-invalid').waitFor();
  const issues = (await page.getByTestId('journey-issues').textContent()) ?? '';
  assert.ok(issues.includes('send_1') && issues.includes('Nothing follows "send_1"'), `the dead end is listed: ${issues}`);
  assert.ok((await page.getByTestId('jnode-send_1').getByTestId('node-issues').textContent())?.includes('Nothing follows'), 'the card says what is wrong');
  await shot('issues');

  // Connect the send step to the exit and publish again.
  await connect(page.getByTestId('handle-send_1-out'), 'exit_1');
  await page.waitForFunction(() => document.querySelectorAll('.react-flow__edge').length === 2);
  await page.getByTestId('journey-publish').click();
  await page.locator('[data-testid="journey-status"][data-status="active"]').waitFor();
  assert.equal(await page.getByTestId('journey-issues').count(), 0, 'no issues are left');
  assert.equal(await page.locator('.jcard.is-invalid').count(), 0, 'no card is outlined');
  assert.equal((await page.getByTestId('journey-version').textContent())?.trim(), 'v1');
  await page.getByTestId('journey-banner').filter({ hasText: 'finish on the version they entered' }).waitFor();
  await page.getByTestId('jnode-send_1').getByTestId('node-counts').waitFor();
  await shot('published');

  // Simulate for Mei Lin: the welcome email is rendered for her, and nothing is sent.
  await page.getByTestId('journey-simulate').click();
  await page.getByTestId('sim-nothing-sent').filter({ hasText: 'Nothing is sent' }).waitFor();
  await page.getByTestId('sim-search').fill('Mei');
  await page.getByTestId('sim-option').first().click();
  await page.getByTestId('sim-run').click();
  await page.getByTestId('sim-timeline').waitFor();
  const message = (await page.getByTestId('sim-message').first().textContent()) ?? '';
  assert.ok(message.includes('Welcome, Mei Lin'), `the rendered subject: ${message}`);
  assert.ok((await page.getByTestId('sim-row').count()) >= 3, 'entry, send and exit are on the timeline');
  await shot('simulate');

  // Branching steps: a condition built with the segment rule builder, and an A/B split with its keys as handles.
  await page.getByTestId('palette-condition').click();
  await page.getByTestId('group-root-add-condition').click();
  await page.getByTestId('group-root-add-trait').click();
  await page.getByTestId('cond-root-0-key').fill('plan');
  await page.getByTestId('jnode-condition_1').filter({ hasText: '1 rule' }).waitFor();
  assert.equal(await page.getByTestId('handle-condition_1-yes').count(), 1);
  assert.equal(await page.getByTestId('handle-condition_1-no').count(), 1);
  await shot('condition');
  await page.getByTestId('palette-split').click();
  await page.getByTestId('split-control').click();
  await page.getByTestId('split-percent-1').fill('30');
  await page.getByTestId('split-total').filter({ hasText: 'must add up' }).waitFor();
  await page.getByTestId('split-percent-2').fill('20');
  await page.getByTestId('split-total').filter({ hasText: 'Total 100%' }).waitFor();
  assert.equal(await page.getByTestId('handle-split_1-control').count(), 1, 'the control branch is a handle');
  await page.getByTestId('journey-notice').filter({ hasText: 'Unsaved changes' }).waitFor();
  await page.waitForTimeout(300);
  await shot('branches');

  // Pause and resume.
  await page.getByTestId('journey-pause').click();
  await page.locator('[data-testid="journey-status"][data-status="paused"]').waitFor();
  await page.getByTestId('journey-resume').click();
  await page.locator('[data-testid="journey-status"][data-status="active"]').waitFor();

  // The list shows the journey with its version.
  await page.getByTestId('nav-journeys').click();
  await page.getByTestId('journey-row').first().waitFor();
  assert.ok((await page.getByTestId('journey-row').first().textContent())?.includes('v1'));

  // Broadcasts: a draft to the segment, with quiet hours, then its progress.
  await page.getByTestId('nav-broadcasts').click();
  await page.getByTestId('broadcasts-empty').waitFor();
  await page.getByTestId('broadcast-new').first().click();
  await page.getByTestId('broadcast-form').waitFor();
  await page.getByTestId('broadcast-name').fill('Spring sale');
  await page.getByTestId('broadcast-segment').selectOption(shop.segmentId);
  await page.getByTestId('broadcast-template').selectOption(shop.templateId);
  await page.getByTestId('broadcast-throttle').fill('60');
  await page.getByTestId('broadcast-quiet').check();
  await page.getByTestId('broadcast-ab').check();
  await page.getByTestId('broadcast-ab').uncheck();
  await shot('broadcast-form');
  await page.getByTestId('broadcast-create').click();
  await page.getByTestId('broadcast-detail-page').waitFor();
  assert.equal(await page.getByTestId('broadcast-title').textContent(), 'Spring sale');
  assert.equal(await page.getByTestId('broadcast-status').getAttribute('data-status'), 'draft');
  await page.getByTestId('broadcast-progress').waitFor();
  await shot('broadcast');

  // The draft is edited in place: the form opens with its settings, and the saved name and throttle show.
  await page.getByTestId('broadcast-edit').click();
  await page.getByTestId('broadcast-edit-card').waitFor();
  assert.equal(await page.getByTestId('broadcast-name').inputValue(), 'Spring sale');
  assert.equal(await page.getByTestId('broadcast-throttle').inputValue(), '60');
  assert.ok(await page.getByTestId('broadcast-quiet').isChecked(), 'quiet hours kept');
  await page.getByTestId('broadcast-name').fill('Spring sale, week 2');
  await page.getByTestId('broadcast-throttle').fill('120');
  await page.getByTestId('broadcast-when-schedule').click();
  await page.getByTestId('broadcast-scheduled').fill('2099-03-01T09:30');
  await shot('broadcast-edit');
  await page.getByTestId('broadcast-save').click();
  await page.getByTestId('broadcast-edit-card').waitFor({ state: 'detached' });
  await page.getByTestId('broadcast-title').filter({ hasText: 'Spring sale, week 2' }).waitFor();
  await page.getByText('120 / minute').waitFor();
  // Scheduled, then taken back to draft before it starts.
  await page.getByTestId('broadcast-send').click();
  await page.locator('[data-testid="broadcast-status"][data-status="scheduled"]').waitFor();
  await page.getByTestId('broadcast-unschedule').click();
  await page.locator('[data-testid="broadcast-status"][data-status="draft"]').waitFor();
  await page.getByTestId('broadcast-edit').waitFor();

  // In Chinese.
  await page.getByTestId('lang-zh').click();
  await page.getByTestId('nav-broadcasts').filter({ hasText: '群发' }).waitFor();
  await page.getByTestId('broadcast-status').filter({ hasText: '草稿' }).waitFor();
  await page.getByTestId('broadcast-edit').filter({ hasText: '编辑' }).waitFor();
  await page.getByTestId('nav-journeys').click();
  await page.getByTestId('journey-row').first().click();
  await page.getByTestId('journey-builder').waitFor();
  await page.getByTestId('journey-publish').filter({ hasText: '发布' }).waitFor();
  await page.getByTestId('journey-banner').filter({ hasText: '按其进入时的版本走完' }).waitFor();
  assert.ok((await page.getByTestId('jnode-send_1').textContent())?.includes('发送消息'), 'cards speak Chinese');
  await shot('builder-zh');

  // A broadcast that held its customer back (the address is suppressed) says why, in Chinese.
  const ws = shop.t.workspace.id;
  await shop.t.nudge.messaging.consent.addSuppression(ws, { channel: 'email', address: known.email, reason: 'manual' }, 'test');
  const held = await shop.t.nudge.journeys.broadcasts.create(ws, { name: 'Held back', segmentId: shop.segmentId, templateId: shop.templateId }, 'test');
  await shop.t.nudge.journeys.broadcasts.send(ws, held.id, 'test');
  for (const deadline = Date.now() + 30_000; (await shop.t.nudge.journeys.broadcasts.get(ws, held.id)).status !== 'sent'; ) {
    assert.ok(Date.now() < deadline, 'the broadcast finished');
    await new Promise((r) => setTimeout(r, 100));
  }
  await page.goto(`${shop.url}/broadcasts/${held.id}`);
  const reason = page.getByTestId('held-back-reason');
  await reason.filter({ hasText: '该地址在抑制名单中' }).waitFor();
  assert.equal(await reason.getAttribute('data-reason'), 'suppressed');
  assert.ok((await page.getByTestId('broadcast-held-back').textContent())?.includes('1 人被拦截的原因'));
  await shot('broadcast-held-zh');
});
