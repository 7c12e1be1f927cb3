import type { Clock } from '../platform/clock.js';
import { UserError } from '../platform/errors.js';
import { toIso } from '../platform/ids.js';
import { say } from '../platform/language.js';
import type { ComputedTraitDefinition, ComputedTraitService } from '../profiles/computed-trait.service.js';
import type { ProfileService } from '../profiles/profile.service.js';
import type { JobQueue } from '../queue/queue.js';
import { DAY_MS, RFM_GROUPS, rfmGroup, roundMoney, scoreCustomers } from './rfm.model.js';
import { RfmGroupId, RfmJobPayload, type RfmCell, type RfmComputeResult, type RfmGroupSummary, type RfmReport } from './rfm.schema.js';

export const RFM_QUEUE = 'rfm.compute';
export const RFM_DAILY_QUEUE = 'rfm.daily';

/** The RFM computed traits (source 'rfm'); replaced together on every computation. */
export const RFM_TRAITS: ComputedTraitDefinition[] = [
  { key: 'rfm_recency', valueType: 'number', label: { en: 'RFM recency score (1–5)', zh: 'RFM 最近消费得分（1–5）' }, values: null, source: 'rfm' },
  { key: 'rfm_frequency', valueType: 'number', label: { en: 'RFM frequency score (1–5)', zh: 'RFM 消费频率得分（1–5）' }, values: null, source: 'rfm' },
  { key: 'rfm_monetary', valueType: 'number', label: { en: 'RFM monetary score (1–5)', zh: 'RFM 消费金额得分（1–5）' }, values: null, source: 'rfm' },
  { key: 'rfm_score', valueType: 'string', label: { en: 'RFM score', zh: 'RFM 得分' }, values: null, source: 'rfm' },
  { key: 'rfm_group', valueType: 'string', label: { en: 'RFM group', zh: 'RFM 客户分组' }, values: [...RfmGroupId.options], source: 'rfm' },
  { key: 'recency_days', valueType: 'number', label: { en: 'Days since last order', zh: '距上次下单天数' }, values: null, source: 'rfm' },
  { key: 'order_count', valueType: 'number', label: { en: 'Orders', zh: '订单数' }, values: null, source: 'rfm' },
  { key: 'total_revenue', valueType: 'number', label: { en: 'Total revenue', zh: '累计消费金额' }, values: null, source: 'rfm' },
];
const KEYS = RFM_TRAITS.map((d) => d.key);

export interface RfmService {
  /** Score every customer now, in this process, and store the traits (the job handler and the demo call this). */
  compute(workspaceId: string, onProgress?: (fraction: number, note: string) => Promise<void>): Promise<RfmComputeResult>;
  /** Enqueue a recomputation; while one waits, returns that job's id. */
  recompute(workspaceId: string): Promise<string>;
  /** The R×F grid and the groups, from the RFM traits on the profiles. */
  report(workspaceId: string): Promise<RfmReport>;
}

export interface RfmServiceDeps {
  profiles: Pick<ProfileService, 'orderTotals'>;
  traits: ComputedTraitService;
  queue: JobQueue;
  clock: Clock;
  /** Every workspace id (the daily run recomputes each). */
  workspaceIds: () => Promise<string[]>;
  /** Period of the scheduled recompute (default a day: recency moves by days). */
  everyMs?: number;
}

/** The RFM module: scoring from orders, stored as computed traits, run as queue jobs (on demand and daily). */
export function createRfmService(deps: RfmServiceDeps): RfmService {
  const { profiles, traits, queue, clock } = deps;

  const service: RfmService = {
    async compute(workspaceId, onProgress = async () => {}) {
      const now = clock.now();
      await onProgress(0, 'Reading orders');
      const customers = await profiles.orderTotals(workspaceId);
      await onProgress(0.3, 'Scoring customers');
      const scores = scoreCustomers(customers, now);
      await onProgress(0.5, 'Saving computed traits');
      await traits.define(workspaceId, RFM_TRAITS);
      const values = scores.flatMap((s) => [
        { profileId: s.profileId, key: 'rfm_recency', value: s.r },
        { profileId: s.profileId, key: 'rfm_frequency', value: s.f },
        { profileId: s.profileId, key: 'rfm_monetary', value: s.m },
        { profileId: s.profileId, key: 'rfm_score', value: `${s.r}${s.f}${s.m}` },
        { profileId: s.profileId, key: 'rfm_group', value: s.group },
        { profileId: s.profileId, key: 'recency_days', value: s.recencyDays },
        { profileId: s.profileId, key: 'order_count', value: s.orderCount },
        { profileId: s.profileId, key: 'total_revenue', value: s.totalRevenue },
      ]);
      const changed = await traits.replace(workspaceId, KEYS, values);
      await onProgress(1, 'Done');
      return { customers: scores.length, changedProfiles: changed.length, computedAt: toIso(now) };
    },

    recompute(workspaceId) {
      return queue.enqueue<RfmJobPayload>(RFM_QUEUE, { workspaceId }, { workspaceId, dedupeKey: workspaceId });
    },

    async report(workspaceId) {
      const group = (await traits.definitions(workspaceId)).find((d) => d.key === 'rfm_group');
      const rows = group ? await traits.tally(workspaceId, ['rfm_recency', 'rfm_frequency'], { sum: 'total_revenue' }) : [];
      const byCell = new Map(rows.map((row) => [`${String(row.values[0])}:${String(row.values[1])}`, row]));
      const cells: RfmCell[] = [];
      for (let r = 5; r >= 1; r--) {
        for (let f = 1; f <= 5; f++) {
          const row = byCell.get(`${r}:${f}`);
          const count = row?.count ?? 0;
          const revenue = roundMoney(row?.sum ?? 0);
          cells.push({ r, f, count, revenue, avgMonetary: count ? roundMoney(revenue / count) : 0, group: rfmGroup(r, f) });
        }
      }
      const customers = cells.reduce((a, c) => a + c.count, 0);
      const groups: RfmGroupSummary[] = RFM_GROUPS.map((g) => {
        const inGroup = cells.filter((c) => c.group === g.id);
        const count = inGroup.reduce((a, c) => a + c.count, 0);
        return { id: g.id, label: g.label, count, revenue: roundMoney(inGroup.reduce((a, c) => a + c.revenue, 0)), share: customers ? count / customers : 0 };
      });
      return {
        // The values and their definitions are replaced in one transaction, which stamps the definition.
        computedAt: group ? group.updatedAt : null,
        customers,
        revenue: roundMoney(cells.reduce((a, c) => a + c.revenue, 0)),
        cells,
        groups,
      };
    },
  };

  queue.register<unknown>(
    RFM_QUEUE,
    async (payload, ctx) => {
      const parsed = RfmJobPayload.safeParse(payload);
      if (!parsed.success) throw new UserError('RFM_INVALID_JOB', say('An rfm.compute job needs { workspaceId }', 'rfm.compute 任务需要 { workspaceId }'), { field: 'payload.workspaceId' });
      const { workspaceId } = parsed.data;
      if (!(await deps.workspaceIds()).includes(workspaceId)) throw new UserError('NOT_FOUND', say(`Workspace ${workspaceId} not found`, `未找到工作区 ${workspaceId}`), { status: 404, field: 'workspaceId' });
      return service.compute(workspaceId, (fraction, note) => ctx.progress(fraction, note));
    },
    { concurrency: 1, maxAttempts: 3, backoffMs: 30_000 },
  );
  queue.register(RFM_DAILY_QUEUE, async () => {
    const ids = await deps.workspaceIds();
    for (const id of ids) await service.recompute(id);
    return { workspaces: ids.length };
  });
  // Recency changes with the calendar, so every workspace is rescored daily (and soon after a start).
  queue.every(RFM_DAILY_QUEUE, deps.everyMs ?? DAY_MS, {}, { dedupeKey: RFM_DAILY_QUEUE, firstDelayMs: 60_000 });

  return service;
}
