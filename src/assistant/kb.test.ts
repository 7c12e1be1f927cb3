import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { UserError } from '../platform/errors.js';
import { createTestNudge, type TestNudge } from '../testing/nudge.testing.js';
import { DEMO_FAQ } from './faq.data.js';
import { indexTerms } from './retrieval.js';

describe('retrieval terms', () => {
  test('Chinese is indexed as jieba words plus character bigrams; English as words without stop words', () => {
    const zh = indexTerms('我想退货');
    assert.ok(zh.includes('退货') && zh.includes('#退货'), zh.join(' '));
    assert.deepEqual(indexTerms('How do I return an item?'), ['return', 'item']);
    const mixed = indexTerms('iPhone的运费');
    assert.ok(mixed.includes('iphone') && mixed.includes('运费'), mixed.join(' '));
    // Traditional characters fold to simplified, full-width letters to ASCII.
    assert.ok(indexTerms('運費').includes('#运费'));
    assert.deepEqual(indexTerms('ＳＨＩＰＰＩＮＧ'), ['shipping']);
  });
});

for (const dialect of testDialects()) {
  describe(`knowledge base (${dialect})`, () => {
    let t: TestNudge;
    let otherWs: string;
    const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, key = t.workspace.secretKey) =>
      t.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

    before(async () => {
      t = await createTestNudge(dialect);
      otherWs = (await t.nudge.workspaces.create({ name: 'Other', actor: 'test' })).workspace.id;
    });
    after(async () => t?.cleanup());

    test('create, read, update, list and delete an article over the API; bad input names the field', async () => {
      const created = await api('POST', '/api/v1/assistant/articles', { language: 'zh', title: '发票怎么开？', body: '下单时勾选「开具发票」，电子发票会发到您的邮箱。', questions: ['能开发票吗'], tags: ['发票'] });
      assert.equal(created.statusCode, 200, created.body);
      const a = created.json();
      assert.equal(a.intent, null);
      const got = await api('GET', `/api/v1/assistant/articles/${a.id}`);
      assert.equal(got.json().title, '发票怎么开？');
      const updated = await api('PUT', `/api/v1/assistant/articles/${a.id}`, { language: 'zh', title: '如何开发票？', body: '下单时勾选「开具发票」。', questions: [] });
      assert.equal(updated.json().title, '如何开发票？');
      const listed = await api('GET', '/api/v1/assistant/articles?q=发票');
      assert.equal(listed.json().total, 1);

      const bad = await api('POST', '/api/v1/assistant/articles', { language: 'fr', title: 'x', body: 'y' });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual([bad.json().error.code, bad.json().error.field], ['ASSISTANT_ARTICLE_INVALID', 'language']);
      const noBody = await api('POST', '/api/v1/assistant/articles', { language: 'en', title: 'x', body: '  ' });
      assert.equal(noBody.json().error.field, 'body');

      // Another workspace cannot see or change it.
      await assert.rejects(t.nudge.assistant.kb.get(otherWs, a.id), (e: unknown) => e instanceof UserError && e.status === 404);
      await assert.rejects(t.nudge.assistant.kb.remove(otherWs, a.id), (e: unknown) => e instanceof UserError && e.status === 404);

      assert.equal((await api('DELETE', `/api/v1/assistant/articles/${a.id}`)).statusCode, 200);
      assert.equal((await api('GET', `/api/v1/assistant/articles/${a.id}`)).statusCode, 404);
      // The write key cannot manage the knowledge base.
      assert.equal((await api('GET', '/api/v1/assistant/articles', undefined, t.workspace.writeKey)).statusCode, 403);
    });

    test('import checks every row before writing: a bad row in JSON or CSV imports nothing', async () => {
      const before = (await t.nudge.assistant.kb.list(t.workspace.id, { limit: 500, offset: 0 })).total;
      const bad = await api('POST', '/api/v1/assistant/articles/import', { format: 'json', content: JSON.stringify([DEMO_FAQ[0], { language: 'en', title: '', body: 'x' }]) });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual([bad.json().error.code, bad.json().error.field], ['ASSISTANT_ARTICLE_INVALID', 'content[1].title']);
      const csvBad = await api('POST', '/api/v1/assistant/articles/import', { format: 'csv', content: 'language,title,body\nen,Ok,Fine\nxx,Bad,Row\n' });
      assert.equal(csvBad.json().error.field, 'content[2].language');
      const notJson = await api('POST', '/api/v1/assistant/articles/import', { format: 'json', content: '{oops' });
      assert.equal(notJson.json().error.code, 'ASSISTANT_IMPORT_INVALID');
      assert.equal((await t.nudge.assistant.kb.list(t.workspace.id, { limit: 500, offset: 0 })).total, before);

      const csv = 'language,title,body,questions,intent\nen,"Do you gift wrap?","Yes, gift wrapping is ¥5 per order.",gift wrap|wrapping paper,product_question\nzh,可以礼品包装吗？,可以，礼品包装每单 5 元。,礼品包装|包装纸,product_question\n';
      const ok = await api('POST', '/api/v1/assistant/articles/import', { format: 'csv', content: csv });
      assert.deepEqual(ok.json(), { imported: 2 });
      const json = await api('POST', '/api/v1/assistant/articles/import', { format: 'json', content: JSON.stringify(DEMO_FAQ), replace: true });
      assert.deepEqual(json.json(), { imported: DEMO_FAQ.length });
      assert.equal((await t.nudge.assistant.kb.list(t.workspace.id, { limit: 500, offset: 0 })).total, DEMO_FAQ.length);
    });

    test('retrieval answers Chinese, English and mixed questions from the right article, and the index follows edits', async () => {
      const ask = async (text: string) => (await api('POST', '/api/v1/assistant/ask', { text })).json();
      const expect: [string, string][] = [
        ['运费多少钱？', '运费怎么算？'],
        ['怎么退货', '如何退货？'],
        ['退款多久能到账', '退款多久到账？'],
        ['可以用支付宝付款吗', '支持哪些付款方式？'],
        ['How much is shipping?', 'How much does shipping cost?'],
        ['I want my money back', 'When will I get my refund?'],
        ['what size should I buy', 'How do I choose my size?'],
        ['do you ship to Singapore?', 'Do you ship internationally?'],
        ['我的promo code用不了', '优惠券怎么用？'],
        ['運費怎麼算', '运费怎么算？'],
      ];
      for (const [q, title] of expect) {
        const r = await ask(q);
        assert.equal(r.articles[0]?.title, title, `${q}: ${JSON.stringify(r.articles.slice(0, 2))}`);
      }
      const answered = await ask('How much is shipping?');
      assert.equal(answered.decision, 'answer');
      assert.match(answered.reply, /¥99/);
      assert.equal((await ask('what is the capital of France')).decision, 'no_answer');

      // A new article is found at once; a deleted one is gone.
      const gift = await t.nudge.assistant.kb.create(t.workspace.id, { language: 'en', title: 'Do you offer gift wrapping?', body: 'Gift wrapping is ¥5 per order.', questions: ['gift wrap'] });
      assert.equal((await ask('can you gift wrap my order')).articles[0]?.title, 'Do you offer gift wrapping?');
      await t.nudge.assistant.kb.remove(t.workspace.id, gift.id);
      assert.notEqual((await ask('can you gift wrap my order')).articles[0]?.title, 'Do you offer gift wrapping?');
      // The other workspace's index is its own.
      assert.deepEqual((await t.nudge.assistant.service.ask(otherWs, 'How much is shipping?')).articles, []);
    });
  });
}
