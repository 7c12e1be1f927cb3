import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../api';
import { fieldKey, issuesByField } from './issues';

test('server paths map to the editor field they are about', () => {
  assert.equal(fieldKey('body.content.zh.subject'), 'zh.subject');
  assert.equal(fieldKey('body.body.content.en.html'), 'en.html');
  assert.equal(fieldKey('body.content.en.headers.X-Token'), 'en.headers');
  assert.equal(fieldKey('body.content.en'), 'en');
  assert.equal(fieldKey('body.body.content'), 'content');
  assert.equal(fieldKey('body.name'), 'name');
  assert.equal(fieldKey('subscriptionGroupId'), 'subscriptionGroupId');
});

test('every template issue in details.issues is kept, grouped by field', () => {
  const details = {
    issues: [
      { code: 'TEMPLATE_UNKNOWN_VARIABLE', path: 'body.content.en.subject', message: 'Unknown variable customer', line: 1, column: 4 },
      { code: 'TEMPLATE_SYNTAX', path: 'body.content.zh.html', message: 'unclosed tag' },
      { code: 'TEMPLATE_UNKNOWN_FILTER', path: 'body.content.en.subject', message: 'no filter shout' },
      { nonsense: true },
    ],
  };
  const error = new ApiError(400, 'TEMPLATE_UNKNOWN_VARIABLE', 'Unknown variable customer', 'body.content.en.subject', details);
  const byField = issuesByField(error);
  assert.deepEqual([...byField.keys()].sort(), ['en.subject', 'zh.html']);
  assert.equal(byField.get('en.subject')?.length, 2);
  assert.equal(byField.get('en.subject')?.[0]?.line, 1);
});

test('a plain validation error is placed by its field; non-400 errors by none', () => {
  const validation = new ApiError(400, 'VALIDATION_FAILED', 'body.name: Too small', 'body.name', [{ path: '/name', message: 'Too small' }]);
  assert.equal(issuesByField(validation).get('name')?.[0]?.code, 'VALIDATION_FAILED');
  assert.equal(issuesByField(new ApiError(500, 'INTERNAL', 'boom', 'name')).size, 0);
});
