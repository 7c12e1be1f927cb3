import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countSms } from './sms';

test('plain Latin text is GSM-7 and fits 160 characters in one message', () => {
  assert.deepEqual(countSms('Hello Mei, 20% off today!'), { encoding: 'GSM-7', chars: 25, units: 25, segments: 1 });
  assert.equal(countSms('{{ name }}').units, 14, 'Liquid braces are extension characters');
  assert.equal(countSms('a'.repeat(160)).segments, 1);
  assert.equal(countSms('a'.repeat(161)).segments, 2);
  assert.equal(countSms('a'.repeat(306)).segments, 2);
  assert.equal(countSms('a'.repeat(307)).segments, 3);
});

test('extension characters such as € and { count twice', () => {
  const c = countSms('€'.repeat(80));
  assert.equal(c.encoding, 'GSM-7');
  assert.equal(c.units, 160);
  assert.equal(c.segments, 1);
  assert.equal(countSms('€'.repeat(81)).segments, 2);
});

test('Chinese or an emoji switches to UCS-2 with 70 / 67 per part', () => {
  assert.deepEqual(countSms('你好'), { encoding: 'UCS-2', chars: 2, units: 2, segments: 1 });
  assert.equal(countSms('你'.repeat(70)).segments, 1);
  assert.equal(countSms('你'.repeat(71)).segments, 2);
  const emoji = countSms('hi 😀');
  assert.equal(emoji.encoding, 'UCS-2');
  assert.equal(emoji.chars, 4);
  assert.equal(emoji.units, 5, 'an emoji is two UTF-16 units');
});

test('an empty text takes no message', () => {
  assert.equal(countSms('').segments, 0);
});
