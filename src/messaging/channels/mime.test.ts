import assert from 'node:assert/strict';
import { test } from 'node:test';
import MailComposer from 'nodemailer/lib/mail-composer';
import { createRng } from '../../ml/rng.js';
import { serializeMime } from './mime.js';

// The synchronous writer must give exactly the bytes nodemailer's streaming build() gives for the
// same tree (same boundary, date and message id), over messages shaped like Nudge's: zh/en text,
// long and short lines, CRLF and LF, trailing whitespace, `=`, tabs, emoji, text-only and html-only.
const pieces = ['Hello', '你好', '欢迎回来', ' ', '  ', '\t', '=', '==', '.', '..', '\n', '\r\n', '\n\n', 'é', '🙂', 'a'.repeat(90), '<a href="https://shop.example/sale?x=1&y=2">the sale</a>', '<p>', '</p>', 'https://nudge.example/t/c/eyJ3cyI6IndzXzEifQ.abcdef', ' \n', '\t\r\n', '退订'];

function text(rng: ReturnType<typeof createRng>, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += pieces[Math.floor(rng.next() * pieces.length)] ?? '';
  return s;
}

test('serializeMime writes what MailComposer build() writes, byte for byte', async () => {
  const rng = createRng('mime-corpus');
  for (let i = 0; i < 300; i++) {
    const withText = i % 5 !== 0;
    const withHtml = i % 7 !== 0 || !withText;
    const node = new MailComposer({
      from: i % 3 === 0 ? '小店 Bench <news@shop.bench>' : 'Bench Shop <news@shop.bench>',
      to: i % 4 === 0 ? '"Ann, Lee" <ann@example.com>' : 'ann@example.com',
      ...(i % 6 === 0 ? { replyTo: '客服 <help@shop.bench>' } : {}),
      subject: text(rng, 1 + (i % 9)).replace(/[\r\n]/g, ' ') || 'Hi',
      ...(withText ? { text: text(rng, i % 40) } : {}),
      ...(withHtml ? { html: `<html><body>${text(rng, i % 60)}</body></html>` } : {}),
      messageId: `<m${i}@shop.bench>`,
      headers: { 'X-Nudge-Message-Id': `msg_${i}`, 'List-Unsubscribe': '<https://nudge.example/u/tok>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', ...(i % 8 === 0 ? { 'X-Campaign': '双十一 sale' } : {}) },
    }).compile();
    const fast = serializeMime(node);
    assert.ok(fast, `case ${i} was refused`);
    const streamed = await node.build();
    assert.equal(fast.toString('utf8'), streamed.toString('utf8'), `case ${i}`);
    assert.ok(fast.equals(streamed), `case ${i} bytes`);
  }
});

test('serializeMime refuses trees it does not write (streamed content), so the caller builds them', () => {
  const node = new MailComposer({ from: 'a@b.c', to: 'd@e.f', subject: 's', text: 't', attachments: [{ filename: 'x.txt', path: '/dev/null' }] }).compile();
  assert.equal(serializeMime(node), null);
});
