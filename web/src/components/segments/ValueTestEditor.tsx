import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ValueOp, ValueTest } from '../../../../src/segments/segment.schema';
import { assertUnreachable, changeOp, isValueOp, opsFor, type FieldType, type Scalar } from './definition';
import { ListInput, NumberInput, Suggestions, UnitSelect } from './Inputs';

interface Props {
  test: ValueTest;
  type: FieldType | undefined;
  onChange: (test: ValueTest) => void;
  /** Observed example values, offered as suggestions. */
  examples?: readonly string[];
  /** For enumerated fields (an RFM group): the allowed values, shown as a select. */
  options?: readonly string[] | null;
  optionLabel?: (value: string) => string;
  testId: string;
}

/** The value half of a condition: an operator that fits the field's type, then the input that fits the operator. */
export function ValueTestEditor({ test, type, onChange, examples = [], options, optionLabel = (v) => v, testId }: Props) {
  const { t } = useTranslation();
  const listId = useId();
  const enumOps: readonly ValueOp[] = ['equals', 'not_equals', 'in', 'not_in', 'exists', 'not_exists'];
  const ops = options ? enumOps : opsFor(type);
  // A hand-written definition may use an operator outside the type's list: keep it selectable.
  const shown = ops.includes(test.op) ? ops : [test.op, ...ops];

  const scalar = (raw: string): Scalar => {
    if (type === 'number' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
    if (type === 'boolean') return raw === 'true';
    return raw;
  };

  const valueInput = (value: Scalar, set: (v: Scalar) => void) => {
    if (options) {
      return (
        <select className="input input-sm" value={String(value)} onChange={(e) => set(e.target.value)} aria-label={t('segments.fields.value')} data-testid={`${testId}-value`}>
          {options.includes(String(value)) ? null : <option value={String(value)}>{String(value) || t('segments.fields.choose')}</option>}
          {options.map((o) => (
            <option key={o} value={o}>
              {optionLabel(o)}
            </option>
          ))}
        </select>
      );
    }
    if (type === 'boolean') {
      return (
        <select className="input input-sm" value={String(value)} onChange={(e) => set(e.target.value === 'true')} aria-label={t('segments.fields.value')} data-testid={`${testId}-value`}>
          <option value="true">{t('segments.fields.true')}</option>
          <option value="false">{t('segments.fields.false')}</option>
        </select>
      );
    }
    if (type === 'number' && typeof value === 'number') {
      return <NumberInput value={value} onChange={set} label={t('segments.fields.value')} testId={`${testId}-value`} />;
    }
    return (
      <input
        className="input input-sm"
        value={String(value)}
        list={examples.length ? listId : undefined}
        placeholder={t('segments.fields.value')}
        aria-label={t('segments.fields.value')}
        onChange={(e) => set(scalar(e.target.value))}
        data-testid={`${testId}-value`}
      />
    );
  };

  const inputs = () => {
    switch (test.op) {
      case 'equals':
      case 'not_equals':
        return valueInput(test.value, (value) => onChange({ op: test.op, value }));
      case 'contains':
      case 'not_contains':
      case 'starts_with':
        return valueInput(test.value, (value) => onChange({ op: test.op, value: String(value) }));
      case 'in':
      case 'not_in':
        return (
          <ListInput
            values={test.values}
            onChange={(values) => onChange({ op: test.op, values })}
            numeric={type === 'number'}
            suggestions={examples.length || options ? listId : undefined}
            label={t('segments.fields.values')}
            testId={`${testId}-values`}
          />
        );
      case 'exists':
      case 'not_exists':
        return null;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        return <NumberInput value={test.value} onChange={(value) => onChange({ op: test.op, value })} label={t('segments.fields.value')} testId={`${testId}-value`} />;
      case 'between':
        return (
          <>
            <NumberInput value={test.from} onChange={(from) => onChange({ ...test, from })} label={t('segments.fields.from')} testId={`${testId}-from`} />
            <span className="muted">{t('segments.fields.and')}</span>
            <NumberInput value={test.to} onChange={(to) => onChange({ ...test, to })} label={t('segments.fields.to')} testId={`${testId}-to`} />
          </>
        );
      case 'date_before':
      case 'date_after':
        return (
          <input
            className="input input-sm"
            type="date"
            value={test.value.slice(0, 10)}
            aria-label={t('segments.fields.date')}
            onChange={(e) => e.target.value && onChange({ op: test.op, value: e.target.value })}
            data-testid={`${testId}-date`}
          />
        );
      case 'date_within_last':
      case 'date_not_within_last':
      case 'date_within_next':
        return (
          <>
            <NumberInput value={test.amount} integer min={1} onChange={(amount) => onChange({ ...test, amount })} label={t('segments.fields.amount')} testId={`${testId}-amount`} width={70} />
            <UnitSelect value={test.unit} onChange={(unit) => onChange({ ...test, unit })} testId={`${testId}-unit`} />
            {test.op === 'date_not_within_last' ? <span className="muted">{t('segments.fields.ago')}</span> : null}
          </>
        );
      case 'anniversary_within_next':
        return (
          <>
            <NumberInput value={test.days} integer min={0} max={366} onChange={(days) => onChange({ ...test, days })} label={t('segments.fields.days')} testId={`${testId}-days`} width={70} />
            <span className="muted">{t('segments.units.days')}</span>
          </>
        );
      default:
        return assertUnreachable(test);
    }
  };

  return (
    <>
      <select
        className="input input-sm"
        value={test.op}
        aria-label={t('segments.fields.operator')}
        onChange={(e) => isValueOp(e.target.value) && onChange(changeOp(test, e.target.value, type))}
        data-testid={`${testId}-op`}
      >
        {shown.map((op) => (
          <option key={op} value={op}>
            {t(`segments.ops.${op}`)}
          </option>
        ))}
      </select>
      {inputs()}
      <Suggestions id={listId} values={options ?? examples} />
    </>
  );
}
