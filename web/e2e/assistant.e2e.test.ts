import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_FAQ } from '../../src/assistant/faq.data.js';
import { ensureWebBuilt } from '../../src/server/web.js';
import { createTestNudge, type TestNudge } from '../../src/testing/nudge.testing.js';
import { openBrowser, signIn, STEP_TIMEOUT_MS } from './browser.js';

// The chat widget embedded in a shop page on another origin, in a real browser: a question the
// knowledge base answers, a hand-off to a person, the agent replying from the inbox (a second
// browser session), and the customer seeing that reply in the widget.

let t: TestNudge;
let nudgeUrl: string;
let shop: http.Server;
let shopUrl: string;
let browser: Browser;
let customer: Page;
let agent: Page;
const stamp = Date.now();

before(async () => {
  t = await createTestNudge('sqlite', { webDir: await ensureWebBuilt() });
  await t.nudge.assistant.kb.import(t.workspace.id, { format: 'json', content: JSON.stringify(DEMO_FAQ), replace: false });
  nudgeUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  // The shop: a plain page on a different origin (localhost vs 127.0.0.1, another port) with the one tag.
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Tea shop</title><style>button{background:red!important} div{font-size:40px}</style></head><body><h1>Tea shop</h1><script src="${nudgeUrl}/widget.js" data-key="${t.workspace.writeKey}"></script></body></html>`;
  shop = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://localhost:${(shop.address() as AddressInfo).port}/`; // listen() on a port gives an AddressInfo
  ({ browser, page: customer } = await openBrowser({ width: 1200, height: 900 }));
  const agentContext = await browser.newContext({ viewport: { width: 1500, height: 1000 }, locale: 'en-US' });
  agentContext.setDefaultTimeout(STEP_TIMEOUT_MS);
  agent = await agentContext.newPage();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => shop?.close(resolve));
  await t?.cleanup();
});

const messages = (page: Page, author: string) => page.locator(`[data-nudge="message"][data-author="${author}"]`);

test('a customer asks the widget, is handed to a person, and sees the agent’s reply from the inbox', { timeout: 120_000 }, async () => {
  customer.on('pageerror', (err) => console.error('[shop page error]', err.message));
  agent.on('pageerror', (err) => console.error('[inbox page error]', err.message));
  await customer.goto(shopUrl);
  assert.notEqual(new URL(shopUrl).origin, new URL(nudgeUrl).origin);
  await customer.locator('[data-nudge="launcher"]').click();
  await customer.locator('[data-nudge="panel"]').waitFor();
  // The host page's CSS does not reach into the widget's shadow root.
  const launcherBg = await customer.locator('[data-nudge="launcher"]').evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(launcherBg, 'rgb(255, 0, 0)');

  // 1. Answered from the knowledge base.
  await customer.locator('[data-nudge="input"]').fill('How much does shipping cost?');
  await customer.locator('[data-nudge="send"]').click();
  const answer = customer.locator('[data-nudge="message"][data-author="bot"][data-kind="answer"]');
  await answer.waitFor();
  assert.match((await answer.textContent()) ?? '', /¥99/);
  await customer.screenshot({ path: `/tmp/nudge-e2e-${stamp}-assistant-0.png` });

  // 2. Markup in a message stays text, and asking for a person hands off.
  await customer.locator('[data-nudge="input"]').fill('<img src=x onerror="window.__pwned=1"> I want to talk to a human');
  await customer.locator('[data-nudge="input"]').press('Enter');
  await customer.locator('[data-nudge="message"][data-author="bot"][data-kind="hand_off"]').waitFor();
  const shown = await messages(customer, 'customer').last().textContent();
  assert.match(shown ?? '', /<img src=x onerror="window.__pwned=1">/);
  assert.equal(await customer.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  assert.equal(await customer.locator('[data-nudge="log"] img').count(), 0);

  // 3. The agent finds it waiting in the inbox, takes over and replies.
  await signIn(agent, nudgeUrl, '/inbox', t.admin);
  await agent.getByTestId('inbox-page').waitFor();
  const waiting = agent.locator('[data-testid="inbox-conversation"][data-state="pending_human"]').first();
  await waiting.waitFor();
  await waiting.click();
  await agent.getByTestId('inbox-chat').waitFor();
  // The customer's markup is shown as text in the inbox too.
  await agent.locator('[data-testid="inbox-message"][data-author="customer"]', { hasText: '<img src=x' }).waitFor();
  assert.equal(await agent.locator('[data-testid="inbox-log"] img').count(), 0);
  await agent.getByTestId('inbox-context').waitFor();
  await agent.getByTestId('inbox-take-over').click();
  await agent.locator('[data-testid="inbox-chat"][data-state="human"]').waitFor();
  await agent.getByTestId('inbox-reply-input').fill('Hi, this is Mei from the shop. Shipping is free over ¥99 — anything else?');
  await agent.getByTestId('inbox-reply-send').click();
  await agent.locator('[data-testid="inbox-message"][data-author="agent"]').waitFor();
  await agent.screenshot({ path: `/tmp/nudge-e2e-${stamp}-assistant-1.png`, fullPage: true });

  // 4. The customer sees the reply in the widget (it polls every 2.5 s).
  const reply = messages(customer, 'agent').first();
  await reply.waitFor({ timeout: 20_000 });
  assert.match((await reply.textContent()) ?? '', /this is Mei from the shop/);
  await customer.screenshot({ path: `/tmp/nudge-e2e-${stamp}-assistant-2.png` });

  // 5. While an agent holds the chat, the bot stays quiet.
  await customer.locator('[data-nudge="input"]').fill('Thanks Mei!');
  await customer.locator('[data-nudge="send"]').click();
  await customer.locator('[data-nudge="message"][data-author="customer"]', { hasText: 'Thanks Mei!' }).waitFor();
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await customer.locator('[data-nudge="message"][data-author="bot"]').count(), 2);

  // 6. The agent resolves it.
  await agent.getByTestId('inbox-resolve').click();
  await agent.locator('[data-testid="inbox-chat"][data-state="resolved"]').waitFor();
});

test('the assistant page lists the FAQ, answers a trial question, shows the widget tag, in English and Chinese', { timeout: 60_000 }, async () => {
  await agent.goto(`${nudgeUrl}/assistant`);
  await agent.getByTestId('assistant-page').waitFor();
  await agent.waitForFunction((n) => document.querySelectorAll('[data-testid="kb-article"]').length === n, DEMO_FAQ.length);
  assert.match((await agent.getByTestId('kb-snippet').textContent()) ?? '', new RegExp(`data-key="${t.workspace.writeKey}"`));
  await agent.getByTestId('kb-ask-input').fill('运费多少？');
  await agent.getByTestId('kb-ask').click();
  await agent.locator('[data-testid="kb-ask-result"][data-decision="answer"]', { hasText: '99' }).waitFor();
  await agent.getByTestId('kb-add').click();
  await agent.getByTestId('kb-title').fill('Do you gift wrap?');
  await agent.getByTestId('kb-body').fill('Yes: gift wrapping is ¥5 an order.');
  await agent.getByTestId('kb-save').click();
  await agent.waitForFunction((n) => document.querySelectorAll('[data-testid="kb-article"]').length === n, DEMO_FAQ.length + 1);
  await agent.screenshot({ path: `/tmp/nudge-e2e-${stamp}-assistant-3.png`, fullPage: true });

  await agent.evaluate(() => localStorage.setItem('nudge.lang', 'zh'));
  await agent.goto(`${nudgeUrl}/inbox`);
  await agent.getByTestId('inbox-page').waitFor();
  assert.match((await agent.locator('h1').first().textContent()) ?? '', /收件箱/);
  await agent.goto(`${nudgeUrl}/assistant`);
  assert.match((await agent.locator('h1').first().textContent()) ?? '', /智能客服/);
});

test('in a Chinese browser the widget speaks Chinese and answers from the Chinese FAQ', { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1000, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(shopUrl);
    const launcher = page.locator('[data-nudge="launcher"]');
    assert.equal(await launcher.textContent(), '咨询客服');
    await launcher.click();
    await page.locator('[data-nudge="input"]').fill('运费多少钱？');
    await page.locator('[data-nudge="send"]').click();
    const answer = page.locator('[data-nudge="message"][data-author="bot"][data-kind="answer"]');
    await answer.waitFor();
    assert.match((await answer.textContent()) ?? '', /99 元包邮/);
  } finally {
    await context.close();
  }
});
