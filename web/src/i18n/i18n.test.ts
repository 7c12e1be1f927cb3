import assert from 'node:assert/strict';
import { test } from 'node:test';
import { en } from './en';
import { zh } from './zh';
import { hasTextIn } from './codes';

/** Every leaf of a dictionary as `dotted.path → value`. */
function leaves(dict: object, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(dict)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object') {
      for (const [p, v] of leaves(value, path)) out.set(p, v);
    } else {
      out.set(path, value);
    }
  }
  return out;
}

test('en and zh have exactly the same keys', () => {
  const enKeys = [...leaves(en).keys()].sort();
  const zhKeys = [...leaves(zh).keys()].sort();
  assert.deepEqual(zhKeys, enKeys);
});

test('no string is empty and every leaf is a string', () => {
  for (const [name, dict] of [['en', en], ['zh', zh]] as const) {
    for (const [path, value] of leaves(dict)) {
      assert.equal(typeof value, 'string', `${name}.${path} is not a string`);
      assert.notEqual(String(value).trim(), '', `${name}.${path} is empty`);
    }
  }
});

test('both languages use the same {{placeholders}} in each string', () => {
  const zhLeaves = leaves(zh);
  const placeholders = (s: unknown): string[] => [...String(s).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? '').sort();
  for (const [path, value] of leaves(en)) {
    assert.deepEqual(placeholders(zhLeaves.get(path)), placeholders(value), `placeholders differ at ${path}`);
  }
});

test('hasTextIn knows a table’s own codes and nothing it merely inherits', () => {
  const hasErrorText = hasTextIn(en.errors);
  assert.equal(hasErrorText('AUTH_REQUIRED'), true);
  assert.equal(hasErrorText('NO_SUCH_CODE'), false);
  assert.equal(hasErrorText('constructor'), false, 'Object.prototype is not a table of texts');
});
