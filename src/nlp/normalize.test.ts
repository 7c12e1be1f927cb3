import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize } from './normalize.js';

test('full-width letters, digits and punctuation fold to half-width and lower case', () => {
  assert.equal(normalize('ＡＢＣ１２３！？'), 'abc123!?');
  assert.equal(normalize('价格：９９元'), '价格:99元');
});

test('CJK punctuation folds to its ASCII twin', () => {
  assert.equal(normalize('好。【推荐】“很棒”…'), '好.[推荐]"很棒"...');
});

test('common traditional characters become simplified', () => {
  assert.equal(normalize('這個產品質量很好，服務也讚'), '这个产品质量很好,服务也赞');
  assert.equal(normalize('這個', { simplify: false }), '這個');
});

test('repeated punctuation and letters are capped, not removed', () => {
  assert.equal(normalize('太棒了！！！！！！'), '太棒了!!!');
  assert.equal(normalize('sooooo good'), 'sooo good');
  assert.equal(normalize('!!!!', { maxRepeat: 0 }), '!!!!');
});

test('digits and repeated Han characters are content and never capped', () => {
  assert.equal(normalize('call 100000 哈哈哈哈哈'), 'call 100000 哈哈哈哈哈');
});

test('emoji survive and whitespace runs collapse', () => {
  assert.equal(normalize('  love it 😍😍\n\t ok  '), 'love it 😍😍 ok');
});

test('a byte-order mark inside the text is dropped', () => {
  assert.equal(normalize('\uFEFF很好'), '很好');
});

test('bad options are rejected', () => {
  assert.throws(() => normalize('x', { maxRepeat: -1 }), RangeError);
});
