import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLanguage } from './language.js';

test('Chinese, English and mixed messages are told apart', () => {
  assert.equal(detectLanguage('这家酒店的服务很好，下次还来').language, 'zh');
  assert.equal(detectLanguage('The delivery was late and the box was damaged').language, 'en');
  assert.equal(detectLanguage('我的 card payment 一直 pending').language, 'mixed');
});

test('a Chinese sentence with one brand name stays Chinese', () => {
  const r = detectLanguage('我想买一台新的iPhone手机送给妈妈');
  assert.equal(r.language, 'zh');
  assert.equal(r.latinWords, 1);
});

test('apostrophes and hyphens do not split English words', () => {
  assert.equal(detectLanguage("don't re-send").latinWords, 2);
});

test('text with no letters of either script is unknown', () => {
  assert.equal(detectLanguage('12345 !!! 😊').language, 'unknown');
  assert.equal(detectLanguage('').zhShare, 0);
});

test('full-width Latin counts as Latin', () => {
  assert.equal(detectLanguage('ＨＥＬＬＯ ｗｏｒｌｄ').language, 'en');
});

test('bad options are rejected', () => {
  assert.throws(() => detectLanguage('hi', { dominance: 0.3 }), RangeError);
});
