import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mayEnter, reentryDecision, scheduledOccurrence, type PreviousEntry } from './journey.entry.js';
import { driver, e, effectsOf, journey, n, runtime, T0, DAY } from './journey.fixture.js';
import { holdoutKey, inHoldout, pickBranch, splitKey, unitHash } from './journey.hash.js';
import type { ScheduleEntry } from './journey.schema.js';

/** Who goes where: splits, the holdout group, re-entry and scheduled entries. */

const ids = Array.from({ length: 10_000 }, (_, i) => `prf_${i.toString(36)}`);
const BRANCHES = [
  { key: 'a', percent: 50 },
  { key: 'b', percent: 30 },
  { key: 'c', percent: 20 },
];

describe('split', () => {
  test('10,000 profiles fall 50/30/20 within 1.5 points (≥ 3 standard errors)', () => {
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (const id of ids) {
      const key = pickBranch(BRANCHES, unitHash(splitKey('jrn_1', id, 'ent_1', 'ab')))?.key ?? '?';
      counts[key] = (counts[key] ?? 0) + 1;
    }
    assert.ok(Math.abs((counts.a ?? 0) / 100 - 50) < 1.5, JSON.stringify(counts));
    assert.ok(Math.abs((counts.b ?? 0) / 100 - 30) < 1.5, JSON.stringify(counts));
    assert.ok(Math.abs((counts.c ?? 0) / 100 - 20) < 1.5, JSON.stringify(counts));
  });

  test('two splits in one journey are independent (a quarter take the first branch of both)', () => {
    const half = [
      { key: 'x', percent: 50 },
      { key: 'y', percent: 50 },
    ];
    const both = ids.filter((id) => pickBranch(half, unitHash(splitKey('j', id, 'e', 's1')))?.key === 'x' && pickBranch(half, unitHash(splitKey('j', id, 'e', 's2')))?.key === 'x').length;
    assert.ok(Math.abs(both / 100 - 25) < 1.5, String(both));
  });

  test('through the interpreter: the same profile and entry always take the same branch', async () => {
    const def = journey({
      nodes: [n.split('ab', BRANCHES), n.send('a', 'tpl_a'), n.send('b', 'tpl_b'), n.send('c', 'tpl_c'), n.exit('x')],
      edges: [e('ab', 'a', 'a'), e('ab', 'b', 'b'), e('ab', 'c', 'c'), e('a', 'x'), e('b', 'x'), e('c', 'x')],
    });
    const branch = async (profileId: string, entryId = 'ent_1') => {
      const j = driver(def, runtime({ profileId, entryId }));
      await j.start();
      return effectsOf(j.effects, 'send')[0]?.templateId;
    };
    const first = await branch('prf_42');
    for (let i = 0; i < 5; i++) assert.equal(await branch('prf_42'), first);
    // The entry id is part of the key: over many entries one profile sees every branch.
    const seen = new Set<string | undefined>();
    for (let i = 0; i < 50; i++) seen.add(await branch('prf_42', `ent_${i}`));
    assert.deepEqual([...seen].sort(), ['tpl_a', 'tpl_b', 'tpl_c']);
  });

  test('a 0% branch is never taken', () => {
    const branches = [
      { key: 'a', percent: 0 },
      { key: 'b', percent: 100 },
    ];
    assert.ok(ids.slice(0, 1000).every((id) => pickBranch(branches, unitHash(id))?.key === 'b'));
    assert.equal(pickBranch(branches, 0)?.key, 'b');
  });
});

describe('holdout', () => {
  test('10% of 10,000 profiles are control, stable across entries', async () => {
    const control = ids.filter((id) => inHoldout(10, unitHash(holdoutKey('jrn_1', id))));
    assert.ok(Math.abs(control.length / 100 - 10) < 1, String(control.length));
    const def = journey({ nodes: [n.send('s', 'tpl'), n.exit('x')], edges: [e('s', 'x')], settings: { holdoutPercent: 10 } });
    for (const profileId of [control[0] ?? '', ids.find((id) => !control.includes(id)) ?? '']) {
      const flags = new Set<boolean>();
      for (const entryId of ['ent_1', 'ent_2', 'ent_3']) {
        const j = driver(def, runtime({ profileId, entryId }));
        await j.start();
        flags.add(j.state.control);
        assert.equal(effectsOf(j.effects, 'send').length, j.state.control ? 0 : 1);
      }
      assert.equal(flags.size, 1);
    }
  });

  test('0% holds out nobody', () => {
    assert.ok(ids.every((id) => !inHoldout(0, unitHash(holdoutKey('jrn_1', id)))));
  });
});

describe('re-entry (mayEnter)', () => {
  const now = T0;
  const ended: PreviousEntry = { enteredAt: now - 10 * DAY, endedAt: now - 9 * DAY };
  const running: PreviousEntry = { enteredAt: now - DAY, endedAt: null };

  test('a first entry is always allowed', () => {
    for (const reentry of [{ policy: 'never' }, { policy: 'always' }, { policy: 'after', afterDays: 30 }] as const) assert.equal(mayEnter({ reentry }, [], now), true);
  });

  test('never: one entry per customer, ever', () => {
    assert.equal(mayEnter({ reentry: { policy: 'never' } }, [ended], now), false);
    assert.deepEqual(reentryDecision({ reentry: { policy: 'never' } }, [ended], now), { allowed: false, reason: 'reentry_never' });
  });

  test('always: again once the previous entry ended, never two at once', () => {
    assert.equal(mayEnter({ reentry: { policy: 'always' } }, [ended], now), true);
    assert.deepEqual(reentryDecision({ reentry: { policy: 'always' } }, [ended, running], now), { allowed: false, reason: 'already_active' });
  });

  test('after N days: counted from the latest entry start', () => {
    const s = { reentry: { policy: 'after', afterDays: 14 } } as const;
    assert.deepEqual(reentryDecision(s, [ended], now), { allowed: false, reason: 'reentry_too_soon', allowedFrom: now + 4 * DAY });
    assert.equal(mayEnter(s, [ended], now + 4 * DAY), true);
    assert.equal(mayEnter({ reentry: { policy: 'after', afterDays: 7 } }, [ended], now), true);
  });
});

describe('scheduled entries', () => {
  const birthday = (at: string): ScheduleEntry => ({ kind: 'schedule', trait: 'birthday', when: { kind: 'anniversary' }, at, startNodeId: 'n' });

  test('a birthday fires every year at 09:00 in the customer zone', () => {
    const from = Date.parse('2025-03-03T00:00:00Z');
    const t = scheduledOccurrence(birthday('09:00'), { birthday: '1990-05-17' }, 'Asia/Shanghai', from);
    assert.equal(new Date(t ?? 0).toISOString(), '2025-05-17T01:00:00.000Z');
    const passed = scheduledOccurrence(birthday('09:00'), { birthday: '1990-01-02' }, 'America/New_York', from);
    assert.equal(new Date(passed ?? 0).toISOString(), '2026-01-02T14:00:00.000Z');
  });

  test('29 February falls on the 28th outside leap years; a bad date never fires', () => {
    const t = scheduledOccurrence(birthday('10:00'), { birthday: '2000-02-29' }, 'UTC', Date.parse('2025-01-01T00:00:00Z'));
    assert.equal(new Date(t ?? 0).toISOString(), '2025-02-28T10:00:00.000Z');
    assert.equal(scheduledOccurrence(birthday('10:00'), { birthday: '2001-02-29' }, 'UTC', T0), null);
    assert.equal(scheduledOccurrence(birthday('10:00'), {}, 'UTC', T0), null);
  });

  test('N days after a date-time trait, on the local calendar day', () => {
    const entry: ScheduleEntry = { kind: 'schedule', trait: 'signed_up_at', when: { kind: 'days_after', days: 3 }, at: '09:00', startNodeId: 'n' };
    // 2025-03-01 20:00 UTC is already 2 March in Shanghai: three days later is 5 March.
    const traits = { signed_up_at: '2025-03-01T20:00:00Z' };
    const t = scheduledOccurrence(entry, traits, 'Asia/Shanghai', Date.parse('2025-03-01T20:00:00Z'));
    assert.equal(new Date(t ?? 0).toISOString(), '2025-03-05T01:00:00.000Z');
    assert.equal(scheduledOccurrence(entry, traits, 'Asia/Shanghai', Date.parse('2025-03-06T00:00:00Z')), null);
  });
});
