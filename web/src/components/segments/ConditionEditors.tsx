import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  BucketCondition,
  ComputedCondition,
  SegmentMembershipCondition,
  SubscriptionCondition,
  TraitCondition,
} from '../../../../src/segments/segment.schema';
import { asLanguage } from '../../i18n';
import { useBuilder } from './builderContext';
import { defaultTest } from './definition';
import { NumberInput, Suggestions } from './Inputs';
import { useRfmGroupLabel } from './rfm/groups';
import { ValueTestEditor } from './ValueTestEditor';

/** Editors for the conditions that test one value: traits, computed traits, memberships, subscriptions, buckets. */

interface Props<T> {
  node: T;
  onChange: (node: T) => void;
  testId: string;
}

export function TraitEditor({ node, onChange, testId }: Props<TraitCondition>) {
  const { t } = useTranslation();
  const { catalog } = useBuilder();
  const keysId = useId();
  const field = catalog?.traits.find((f) => f.key === node.key);
  return (
    <>
      <input
        className="input input-sm input-key"
        value={node.key}
        list={keysId}
        placeholder={t('segments.fields.traitKey')}
        aria-label={t('segments.fields.traitKey')}
        onChange={(e) => {
          const key = e.target.value.trim();
          const next = catalog?.traits.find((f) => f.key === key);
          // A known trait of another type gets an operator that fits it; otherwise the test stays.
          if (next && next.type !== field?.type && next.type !== 'mixed') onChange({ kind: 'trait', key, ...defaultTest(next.type) });
          else onChange({ ...node, key });
        }}
        data-testid={`${testId}-key`}
      />
      <Suggestions id={keysId} values={catalog?.traits.map((f) => f.key) ?? []} />
      {field ? <span className="type-tag">{t(`segments.types.${field.type}`)}</span> : null}
      <ValueTestEditor
        test={node}
        type={field?.type}
        examples={field?.examples}
        onChange={(test) => onChange({ kind: 'trait', key: node.key, ...test })}
        testId={testId}
      />
    </>
  );
}

export function ComputedEditor({ node, onChange, testId }: Props<ComputedCondition>) {
  const { t, i18n } = useTranslation();
  const { catalog } = useBuilder();
  const rfmLabel = useRfmGroupLabel();
  const lang = asLanguage(i18n.language);
  const items = catalog?.computed ?? [];
  const field = items.find((c) => c.key === node.key);
  const optionLabel = (v: string) => (node.key === 'rfm_group' ? rfmLabel(v) : v);
  return (
    <>
      <select
        className="input input-sm"
        value={node.key}
        aria-label={t('segments.fields.computed')}
        onChange={(e) => {
          const next = items.find((c) => c.key === e.target.value);
          const first = next?.values?.[0];
          onChange({ kind: 'computed', key: e.target.value, ...(first !== undefined ? { op: 'equals', value: first } : defaultTest(next?.type)) });
        }}
        data-testid={`${testId}-key`}
      >
        {field ? null : <option value={node.key}>{node.key || t('segments.fields.choose')}</option>}
        {items.map((c) => (
          <option key={c.key} value={c.key}>
            {c.label[lang]}
          </option>
        ))}
      </select>
      <ValueTestEditor
        test={node}
        type={field?.type}
        options={field?.values}
        optionLabel={optionLabel}
        onChange={(test) => onChange({ kind: 'computed', key: node.key, ...test })}
        testId={testId}
      />
    </>
  );
}

export function MembershipEditor({ node, onChange, testId }: Props<SegmentMembershipCondition>) {
  const { t } = useTranslation();
  const { catalog, selfId } = useBuilder();
  const segments = (catalog?.segments ?? []).filter((s) => s.id !== selfId);
  return (
    <>
      <select
        className="input input-sm"
        value={node.inSegment ? 'in' : 'out'}
        aria-label={t('segments.fields.membership')}
        onChange={(e) => onChange({ ...node, inSegment: e.target.value === 'in' })}
        data-testid={`${testId}-in`}
      >
        <option value="in">{t('segments.membership.in')}</option>
        <option value="out">{t('segments.membership.notIn')}</option>
      </select>
      <select
        className="input input-sm"
        value={node.segmentId}
        aria-label={t('segments.fields.segment')}
        onChange={(e) => onChange({ ...node, segmentId: e.target.value })}
        data-testid={`${testId}-segment`}
      >
        {segments.some((s) => s.id === node.segmentId) ? null : <option value={node.segmentId}>{node.segmentId || t('segments.fields.chooseSegment')}</option>}
        {segments.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </>
  );
}

export function SubscriptionEditor({ node, onChange, testId }: Props<SubscriptionCondition>) {
  const { t } = useTranslation();
  const { catalog } = useBuilder();
  const groups = catalog?.subscriptionGroups ?? [];
  return (
    <>
      <select
        className="input input-sm"
        value={node.groupId}
        aria-label={t('segments.fields.subscriptionGroup')}
        onChange={(e) => onChange({ ...node, groupId: e.target.value })}
        data-testid={`${testId}-group`}
      >
        {groups.some((g) => g.id === node.groupId) ? null : <option value={node.groupId}>{node.groupId || t('segments.fields.chooseGroup')}</option>}
        {groups.map((g) => (
          <option key={g.id} value={g.id}>
            {g.name} · {g.channel}
          </option>
        ))}
      </select>
      <select
        className="input input-sm"
        value={node.status}
        aria-label={t('segments.fields.status')}
        onChange={(e) => onChange({ ...node, status: e.target.value === 'unsubscribed' ? 'unsubscribed' : 'subscribed' })}
        data-testid={`${testId}-status`}
      >
        <option value="subscribed">{t('segments.subscription.subscribed')}</option>
        <option value="unsubscribed">{t('segments.subscription.unsubscribed')}</option>
      </select>
      {groups.length === 0 ? <span className="muted small">{t('segments.subscription.none')}</span> : null}
    </>
  );
}

export function BucketEditor({ node, onChange, testId }: Props<BucketCondition>) {
  const { t } = useTranslation();
  return (
    <>
      <span className="muted">{t('segments.bucket.from')}</span>
      <NumberInput value={node.from} integer min={0} max={100} width={70} onChange={(from) => onChange({ ...node, from })} label={t('segments.bucket.from')} testId={`${testId}-from`} />
      <span className="muted">{t('segments.bucket.to')}</span>
      <NumberInput value={node.to} integer min={0} max={100} width={70} onChange={(to) => onChange({ ...node, to })} label={t('segments.bucket.to')} testId={`${testId}-to`} />
      <span className="muted small">{t('segments.bucket.share', { percent: Math.max(0, node.to - node.from) })}</span>
      <input
        className="input input-sm"
        value={node.salt}
        placeholder={t('segments.bucket.salt')}
        aria-label={t('segments.bucket.salt')}
        title={t('segments.bucket.saltHint')}
        onChange={(e) => onChange({ ...node, salt: e.target.value })}
        data-testid={`${testId}-salt`}
      />
    </>
  );
}
