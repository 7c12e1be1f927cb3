import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyDraft, fromTemplate, isFilled, toInput } from './draft';

test('only the languages with content are saved, optional email parts left out when empty', () => {
  const d = emptyDraft('email');
  d.name = '  Welcome ';
  d.content.email.zh = { subject: '欢迎', preheader: '', html: '<p>你好</p>', text: '' };
  assert.equal(isFilled(d, 'en'), false);
  assert.equal(isFilled(d, 'zh'), true);
  const input = toInput(d);
  assert.equal(input.name, 'Welcome');
  assert.deepEqual(input.body, { channel: 'email', content: { zh: { subject: '欢迎', preheader: undefined, html: '<p>你好</p>', text: undefined } } });
});

test('webhook headers become a record; a transactional template drops its group', () => {
  const d = emptyDraft('webhook');
  d.kind = 'transactional';
  d.subscriptionGroupId = 'grp_1';
  d.content.webhook.en = { url: 'https://x.example/hook', method: 'PUT', headers: [{ name: 'X-A', value: '1' }, { name: ' ', value: 'ignored' }], body: '' };
  const input = toInput(d);
  assert.equal(input.subscriptionGroupId, undefined);
  assert.deepEqual(input.body, { channel: 'webhook', content: { en: { url: 'https://x.example/hook', method: 'PUT', headers: { 'X-A': '1' }, body: '{}' } } });
});

test('a saved template round-trips through the draft', () => {
  const now = new Date().toISOString();
  const d = fromTemplate({
    id: 'tpl_1', name: 'Code', description: '', kind: 'transactional', subscriptionGroupId: null, defaultLocale: 'zh', channel: 'sms',
    body: { channel: 'sms', content: { zh: { text: '验证码 {{ event.properties.code }}' } } }, version: 2, createdAt: now, updatedAt: now,
  });
  assert.equal(d.channel, 'sms');
  assert.equal(d.content.sms.zh.text, '验证码 {{ event.properties.code }}');
  assert.deepEqual(toInput(d).body, { channel: 'sms', content: { zh: { text: '验证码 {{ event.properties.code }}' } } });
});
