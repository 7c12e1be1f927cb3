import { useEffect, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TimeUnit } from '../../../../src/segments/segment.schema';
import { Icon } from '../Icon';
import { TIME_UNITS, type Scalar } from './definition';

/** Small inputs the condition editors share: numbers, value lists, time units, suggestions. */

/** A number field that lets the user clear and retype without emitting NaN in between. */
export function NumberInput({
  value,
  onChange,
  integer = false,
  min,
  max,
  label,
  testId,
  width = 90,
}: {
  value: number;
  onChange: (n: number) => void;
  integer?: boolean;
  min?: number;
  max?: number;
  label: string;
  testId?: string;
  width?: number;
}) {
  const [text, setText] = useState(String(value));
  // Follow outside changes (the JSON tab, an operator change) unless the text already means that value.
  useEffect(() => {
    setText((prev) => (Number(prev) === value && prev.trim() !== '' ? prev : String(value)));
  }, [value]);
  return (
    <input
      className="input input-sm"
      type="number"
      inputMode={integer ? 'numeric' : 'decimal'}
      step={integer ? 1 : 'any'}
      min={min}
      max={max}
      value={text}
      aria-label={label}
      title={label}
      style={{ width }}
      onChange={(e) => {
        setText(e.target.value);
        const n = Number(e.target.value);
        if (e.target.value.trim() !== '' && Number.isFinite(n)) onChange(integer ? Math.round(n) : n);
      }}
      data-testid={testId}
    />
  );
}

export function UnitSelect({ value, onChange, testId }: { value: TimeUnit; onChange: (u: TimeUnit) => void; testId?: string }) {
  const { t } = useTranslation();
  return (
    <select
      className="input input-sm"
      value={value}
      aria-label={t('segments.fields.unit')}
      onChange={(e) => onChange(TIME_UNITS.find((u) => u === e.target.value) ?? 'days')}
      data-testid={testId}
    >
      {TIME_UNITS.map((u) => (
        <option key={u} value={u}>
          {t(`segments.units.${u}`)}
        </option>
      ))}
    </select>
  );
}

/** A `<datalist>` of suggestions for a free-entry input (trait keys, event names, examples). */
export function Suggestions({ id, values }: { id: string; values: readonly string[] }) {
  return (
    <datalist id={id}>
      {values.map((v) => (
        <option key={v} value={v} />
      ))}
    </datalist>
  );
}

/** Values for `in` / `not_in`: chips plus an input that adds on Enter or comma. */
export function ListInput({
  values,
  onChange,
  numeric,
  suggestions,
  label,
  testId,
}: {
  values: readonly Scalar[];
  onChange: (values: Scalar[]) => void;
  numeric: boolean;
  suggestions?: string;
  label: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState('');
  const add = () => {
    const parts = draft
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (parts.length === 0) return;
    const parsed = parts.map((p) => (numeric && Number.isFinite(Number(p)) ? Number(p) : p));
    onChange([...values, ...parsed.filter((p) => !values.includes(p))]);
    setDraft('');
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      add();
    } else if (e.key === 'Backspace' && draft === '' && values.length > 0) {
      onChange(values.slice(0, -1));
    }
  };
  return (
    <div className="list-input" data-testid={testId}>
      {values.map((v) => (
        <span className="chip chip-value" key={String(v)}>
          {String(v)}
          <button type="button" onClick={() => onChange(values.filter((x) => x !== v))} aria-label={t('segments.group.remove')}>
            <Icon name="close" size={11} />
          </button>
        </span>
      ))}
      <input
        value={draft}
        list={suggestions}
        placeholder={values.length ? '' : t('segments.fields.valuesHint')}
        aria-label={label}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKey}
        onBlur={add}
        data-testid={testId ? `${testId}-input` : undefined}
      />
    </div>
  );
}

/** `<input type="datetime-local">` value for an ISO instant, in the browser's time zone. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(local: string): string | null {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
