import type { TFunction } from 'i18next';
import type {
  Comparison,
  EventMatch,
  SegmentCondition,
  SegmentFieldCatalog,
  TimeUnit,
  TimeWindow,
  ValueTest,
} from '../../../../src/segments/segment.schema';
import type { Format } from '../../format';
import { asLanguage } from '../../i18n';
import { assertUnreachable, CMP_NAME, type Scalar } from './definition';
import { isRfmGroup } from './rfm/groups';

/** Renders conditions as sentences in the UI language: "Performed “Order Completed” at least 2 times in the last 30 days". */
export interface Describer {
  condition(node: SegmentCondition): string;
}

export function createDescriber(t: TFunction, fmt: Format, catalog: SegmentFieldCatalog | undefined, language: string): Describer {
  const lang = asLanguage(language);
  const quote = (text: string) => t('segments.describe.quote', { text });
  const scalar = (v: Scalar, label?: (s: string) => string): string => {
    if (typeof v === 'number') return fmt.number(v);
    if (typeof v === 'boolean') return t(v ? 'segments.fields.true' : 'segments.fields.false');
    return quote(label ? label(v) : v);
  };
  const list = (values: readonly Scalar[], label?: (s: string) => string) => values.map((v) => scalar(v, label)).join(t('segments.describe.listSep'));
  const duration = (count: number, unit: TimeUnit) => t(`segments.describe.duration.${unit}`, { count, value: fmt.number(count) });
  const date = (iso: string) => (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? fmt.day(iso, true) : fmt.dateTime(iso));
  const cmp = (c: Comparison) => t(`segments.describe.cmp.${CMP_NAME[c]}`);

  const test = (v: ValueTest, label?: (s: string) => string): string => {
    const key = `segments.describe.tests.${v.op}` as const;
    switch (v.op) {
      case 'equals':
      case 'not_equals':
      case 'contains':
      case 'not_contains':
      case 'starts_with':
        return t(key, { value: scalar(v.value, label) });
      case 'in':
      case 'not_in':
        return t(key, { values: list(v.values, label) });
      case 'exists':
      case 'not_exists':
        return t(key);
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        return t(key, { value: fmt.number(v.value) });
      case 'between':
        return t(key, { from: fmt.number(v.from), to: fmt.number(v.to) });
      case 'date_before':
      case 'date_after':
        return t(key, { date: date(v.value) });
      case 'date_within_last':
      case 'date_not_within_last':
      case 'date_within_next':
        return t(key, { duration: duration(v.amount, v.unit) });
      case 'anniversary_within_next':
        return t(key, { days: fmt.number(v.days) });
      default:
        return assertUnreachable(v);
    }
  };

  const window = (w: TimeWindow): string => {
    switch (w.kind) {
      case 'ever':
        return t('segments.describe.window.ever');
      case 'last':
        return t('segments.describe.window.last', { duration: duration(w.amount, w.unit) });
      case 'between':
        return t('segments.describe.window.between', { from: date(w.from), to: date(w.to) });
      default:
        return assertUnreachable(w);
    }
  };

  const filters = (m: EventMatch): string =>
    m.where.map((f) => t('segments.describe.filter', { path: f.path, test: test(f) })).join(t('segments.describe.andSep'));
  /** The event name with its property filters, for sequences (where each step has its own). */
  const match = (m: EventMatch): string =>
    m.where.length === 0 ? quote(m.name) : t('segments.describe.matchWhere', { event: quote(m.name), filters: filters(m) });

  const condition = (node: SegmentCondition): string => {
    switch (node.kind) {
      case 'trait':
        return t('segments.describe.trait', { key: node.key, test: test(node) });
      case 'computed': {
        const field = catalog?.computed.find((c) => c.key === node.key);
        const label = node.key === 'rfm_group' ? (v: string) => (isRfmGroup(v) ? t(`rfm.groups.${v}.label`) : v) : undefined;
        return t('segments.describe.computed', { label: field?.label[lang] ?? node.key, test: test(node, label) });
      }
      case 'event': {
        const count = node.performed && node.count ? t('segments.describe.count', { cmp: cmp(node.count.op), times: t('segments.describe.times', { count: node.count.value, value: fmt.number(node.count.value) }) }) : '';
        const aggregate =
          node.performed && node.aggregate
            ? t('segments.describe.aggregate', { fn: t(`segments.describe.fn.${node.aggregate.fn}`), path: node.aggregate.path, cmp: cmp(node.aggregate.op), value: fmt.number(node.aggregate.value) })
            : '';
        const where = node.event.where.length ? t('segments.describe.where', { filters: filters(node.event) }) : '';
        return t(node.performed ? 'segments.describe.performed' : 'segments.describe.notPerformed', { event: quote(node.event.name), count, window: window(node.window), where, aggregate });
      }
      case 'sequence':
        return t(node.thenPerformed ? 'segments.describe.sequence' : 'segments.describe.sequenceNot', {
          first: match(node.first),
          then: match(node.then),
          duration: duration(node.within.amount, node.within.unit),
          window: window(node.window),
        });
      case 'segment': {
        const name = catalog?.segments.find((s) => s.id === node.segmentId)?.name ?? node.segmentId;
        return t(node.inSegment ? 'segments.describe.inSegment' : 'segments.describe.notInSegment', { name });
      }
      case 'subscription': {
        const group = catalog?.subscriptionGroups.find((g) => g.id === node.groupId)?.name ?? node.groupId;
        return t(node.status === 'subscribed' ? 'segments.describe.subscribed' : 'segments.describe.unsubscribed', { group });
      }
      case 'bucket':
        return t('segments.describe.bucket', { from: node.from, to: node.to, percent: Math.max(0, node.to - node.from) });
      default:
        return assertUnreachable(node);
    }
  };

  return { condition };
}
