import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { UserError } from '../platform/errors.js';
import { createTestNudge, type TestNudge } from '../testing/nudge.testing.js';
import type { ComputedTraitChange, ComputedTraitDefinition } from './computed-trait.service.js';

const DEFS: ComputedTraitDefinition[] = [
  { key: 'churn_risk', valueType: 'number', label: { en: 'Churn risk', zh: '流失风险' }, values: null, source: 'test' },
  { key: 'persona', valueType: 'string', label: { en: 'Persona', zh: '用户画像' }, values: ['saver', 'spender'], source: 'test' },
  { key: 'vip', valueType: 'boolean', label: { en: 'VIP', zh: '贵宾' }, values: null, source: 'test' },
  { key: 'next_order_at', valueType: 'date', label: { en: 'Predicted next order', zh: '预计下次下单' }, values: null, source: 'test' },
];

async function rejects(p: Promise<unknown>, code: string, field?: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof UserError, String(err));
    assert.equal(err.code, code);
    if (field !== undefined) assert.equal(err.field, field);
    return true;
  });
}

for (const dialect of testDialects()) {
  describe(`computed traits (${dialect})`, () => {
    let t: TestNudge;
    let ws: string;
    let ids: string[];
    const changes: ComputedTraitChange[] = [];
    before(async () => {
      t = await createTestNudge(dialect);
      ws = t.workspace.id;
      await t.nudge.ingest.ingest(ws, [0, 1, 2].map((i) => ({ type: 'identify', userId: `u${i}`, traits: { name: `User ${i}` }, messageId: `m${i}` })));
      await t.nudge.ingest.flush();
      ids = await Promise.all([0, 1, 2].map(async (i) => (await t.nudge.profiles.get(ws, `u${i}`)).id));
      t.nudge.computedTraits.onChanged((c) => changes.push(c));
      await t.nudge.computedTraits.define(ws, DEFS);
    });
    after(async () => t.cleanup());
    const traits = () => t.nudge.computedTraits;
    const id = (i: number) => ids[i] ?? '';

    test('definitions are data: defined, read back, redefined by key; a bad one is refused with its field', async () => {
      const defs = await traits().definitions(ws);
      assert.deepEqual(defs.map((d) => d.key), ['churn_risk', 'next_order_at', 'persona', 'vip']);
      const persona = defs.find((d) => d.key === 'persona');
      assert.deepEqual([persona?.valueType, persona?.label.zh, persona?.values, persona?.source], ['string', '用户画像', ['saver', 'spender'], 'test']);
      assert.ok(persona && Date.parse(persona.updatedAt) > 0);
      await traits().define(ws, [{ ...DEFS[1]!, label: { en: 'Shopper persona', zh: '购物画像' }, values: ['saver', 'spender', 'gifter'] }]);
      const again = (await traits().definitions(ws)).find((d) => d.key === 'persona');
      assert.deepEqual([again?.label.en, again?.values?.length], ['Shopper persona', 3]);
      await rejects(traits().define(ws, [{ ...DEFS[0]!, key: 'Bad Key' }]), 'COMPUTED_TRAIT_INVALID_DEFINITION', 'defs[0].key');
      await rejects(traits().define(ws, [{ ...DEFS[0]!, values: ['1'] }]), 'COMPUTED_TRAIT_INVALID_DEFINITION', 'defs[0].values');
    });

    test('replace stores typed values, reports only the profiles that changed, and removes what it no longer lists', async () => {
      changes.length = 0;
      const keys = ['churn_risk', 'persona', 'vip', 'next_order_at'];
      const first = await traits().replace(ws, keys, [
        { profileId: id(0), key: 'churn_risk', value: 0.25 },
        { profileId: id(0), key: 'persona', value: 'saver' },
        { profileId: id(0), key: 'vip', value: true },
        { profileId: id(0), key: 'next_order_at', value: Date.UTC(2026, 3, 1) },
        { profileId: id(1), key: 'churn_risk', value: 0.9 },
        { profileId: id(1), key: 'vip', value: false },
        { profileId: id(2), key: 'persona', value: null },
      ]);
      assert.deepEqual(first, [id(0), id(1)].sort());
      assert.deepEqual(await traits().forProfile(ws, id(0)), { churn_risk: 0.25, next_order_at: '2026-04-01T00:00:00.000Z', persona: 'saver', vip: true });
      assert.deepEqual(await traits().forProfile(ws, id(1)), { churn_risk: 0.9, vip: false });
      assert.deepEqual(await traits().forProfile(ws, id(2)), {});
      assert.deepEqual(changes, [{ workspaceId: ws, keys, profileIds: first }]);

      const same = await traits().replace(ws, keys, [
        { profileId: id(0), key: 'churn_risk', value: 0.25 },
        { profileId: id(0), key: 'persona', value: 'saver' },
        { profileId: id(0), key: 'vip', value: true },
        { profileId: id(0), key: 'next_order_at', value: '2026-04-01T00:00:00Z' },
        { profileId: id(1), key: 'churn_risk', value: 0.9 },
        { profileId: id(1), key: 'vip', value: false },
      ]);
      assert.deepEqual(same, [], 'the same values again change nothing');
      assert.equal(changes.length, 1, 'and notify no one');

      // Profile 1 drops out of the recompute entirely; profile 0 changes one value; profile 2 gains one.
      const next = await traits().replace(ws, keys, [
        { profileId: id(0), key: 'churn_risk', value: 0.3 },
        { profileId: id(0), key: 'persona', value: 'saver' },
        { profileId: id(0), key: 'vip', value: true },
        { profileId: id(0), key: 'next_order_at', value: Date.UTC(2026, 3, 1) },
        { profileId: id(2), key: 'persona', value: 'spender' },
      ]);
      assert.deepEqual(next, [id(0), id(1), id(2)].sort());
      assert.deepEqual(await traits().forProfile(ws, id(1)), {});
      assert.equal((await traits().forProfile(ws, id(0))).churn_risk, 0.3);

      // Replacing one key leaves the others alone.
      await traits().replace(ws, ['vip'], []);
      assert.deepEqual(await traits().forProfile(ws, id(0)), { churn_risk: 0.3, next_order_at: '2026-04-01T00:00:00.000Z', persona: 'saver' });
    });

    test('bad values are refused with the field at fault, and nothing is written', async () => {
      const before = await traits().forProfile(ws, id(0));
      await rejects(traits().replace(ws, ['nope'], []), 'COMPUTED_TRAIT_UNDEFINED', 'keys[0]');
      await rejects(traits().replace(ws, ['churn_risk'], [{ profileId: id(0), key: 'persona', value: 'saver' }]), 'COMPUTED_TRAIT_KEY_NOT_REPLACED', 'values[0].key');
      await rejects(
        traits().replace(ws, ['churn_risk', 'persona'], [
          { profileId: id(0), key: 'churn_risk', value: 0.1 },
          { profileId: id(0), key: 'persona', value: 'pirate' },
        ]),
        'COMPUTED_TRAIT_INVALID_VALUE',
        'values[1].value',
      );
      await rejects(traits().replace(ws, ['churn_risk'], [{ profileId: id(0), key: 'churn_risk', value: 'high' }]), 'COMPUTED_TRAIT_INVALID_VALUE', 'values[0].value');
      await rejects(traits().replace(ws, ['next_order_at'], [{ profileId: id(0), key: 'next_order_at', value: 'soon' }]), 'COMPUTED_TRAIT_INVALID_VALUE');
      await rejects(
        traits().replace(ws, ['churn_risk'], [
          { profileId: id(0), key: 'churn_risk', value: 0.1 },
          { profileId: id(0), key: 'churn_risk', value: 0.2 },
        ]),
        'COMPUTED_TRAIT_DUPLICATE_VALUE',
        'values[1]',
      );
      assert.deepEqual(await traits().forProfile(ws, id(0)), before);
    });

    test('tally counts profiles by value combinations and sums a number', async () => {
      await traits().replace(ws, ['persona', 'vip', 'churn_risk'], [
        { profileId: id(0), key: 'persona', value: 'saver' },
        { profileId: id(0), key: 'vip', value: true },
        { profileId: id(0), key: 'churn_risk', value: 0.5 },
        { profileId: id(1), key: 'persona', value: 'saver' },
        { profileId: id(1), key: 'vip', value: true },
        { profileId: id(1), key: 'churn_risk', value: 0.25 },
        { profileId: id(2), key: 'persona', value: 'spender' },
        { profileId: id(2), key: 'vip', value: false },
      ]);
      const rows = await traits().tally(ws, ['persona', 'vip'], { sum: 'churn_risk' });
      const sorted = rows.map((r) => [...r.values, r.count, r.sum]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      assert.deepEqual(sorted, [
        ['saver', true, 2, 0.75],
        ['spender', false, 1, 0],
      ]);
      assert.deepEqual((await traits().tally(ws, ['persona'])).map((r) => r.count).sort(), [1, 2]);
      await rejects(traits().tally(ws, ['persona'], { sum: 'persona' }), 'COMPUTED_TRAIT_INVALID_TALLY', 'sum');
    });

    test("each workspace has its own definitions and values; the profile API shows a profile's computed traits", async () => {
      const other = await t.nudge.workspaces.create({ name: 'Other shop', actor: 'test' });
      assert.deepEqual(await traits().definitions(other.workspace.id), []);
      assert.deepEqual(await traits().forProfile(other.workspace.id, id(0)), {});
      await rejects(traits().replace(other.workspace.id, ['persona'], []), 'COMPUTED_TRAIT_UNDEFINED');
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/profiles/u0', headers: { authorization: `Bearer ${t.workspace.secretKey}` } });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json().computedTraits, await traits().forProfile(ws, id(0)));
      assert.equal(res.json().computedTraits.persona, 'saver');
    });
  });
}
