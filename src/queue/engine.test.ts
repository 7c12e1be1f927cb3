import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OperationalError, UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import { afterEarlier, errorText, failureFields, readFailure, storedFailure } from './engine.js';

test('a failure written for people is stored with its code and both languages; any other as its bare message', () => {
  const user = errorText(new UserError('RFM_NO_WORKSPACE', say('No such workspace', '工作区不存在')));
  assert.deepEqual(failureFields(user, 'en'), { error: 'No such workspace', errorCode: 'RFM_NO_WORKSPACE' });
  assert.deepEqual(failureFields(user, 'zh'), { error: '工作区不存在', errorCode: 'RFM_NO_WORKSPACE' });
  const operational = errorText(new OperationalError('DB_CONFLICT', say('The database stayed busy; try again', '数据库繁忙，请重试')));
  assert.equal(failureFields(operational, 'zh').error, '数据库繁忙，请重试');
  assert.equal(errorText(new Error('database on fire')), 'database on fire', 'stored as before: readable in the jobs table');
  assert.deepEqual(failureFields('database on fire', 'zh'), { error: 'database on fire', errorCode: null });
  assert.deepEqual(failureFields(null, 'zh'), { error: null, errorCode: null });
  // A message that only looks like ours is a message.
  assert.deepEqual(readFailure('{"not": "ours"}'), { code: null, message: { en: '{"not": "ours"}', zh: '{"not": "ours"}' } });
  assert.deepEqual(readFailure('{broken'), { code: null, message: { en: '{broken', zh: '{broken' } });
});

test('long messages are cut in each language; a failure after an earlier one keeps both, in each language', () => {
  const long = readFailure(storedFailure({ code: 'X', message: say('e'.repeat(5000), '中'.repeat(5000)) }));
  assert.equal(long.message.en.length, 2001);
  assert.equal(long.message.zh.length, 2001);
  const earlier = errorText(new UserError('BAD', say('Bad input', '输入有误')));
  const lost = afterEarlier({ code: 'JOB_WORKER_LOST', message: say('The worker stopped', '工作进程已停止') }, earlier);
  assert.deepEqual(lost, { code: 'JOB_WORKER_LOST', message: { en: 'The worker stopped; before that: Bad input', zh: '工作进程已停止；此前：输入有误' } });
  assert.equal(afterEarlier(lost, null), lost);
});
