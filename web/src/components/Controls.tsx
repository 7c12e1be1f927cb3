import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../format';
import { useDocumentTitle } from '../hooks';
import { Icon } from './Icon';

export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: string; actions?: ReactNode }) {
  useDocumentTitle(title);
  return (
    <header className="page-header">
      <div>
        <h1 data-testid="page-title">{title}</h1>
        {subtitle ? <p className="muted">{subtitle}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}

/** Copies `value` to the clipboard and says so for a moment. */
export function CopyButton({ value, label, testId }: { value: string; label?: string; testId?: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const timer = useRef<number>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // Clipboard API unavailable (plain http on a LAN address): fall back to a selection copy.
      const area = document.createElement('textarea');
      area.value = value;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setCopied(false), 1500);
  };
  return (
    <button
      type="button"
      className={`btn btn-ghost btn-sm copy-btn${copied ? ' is-copied' : ''}`}
      onClick={() => void copy()}
      title={t('common.copy')}
      data-testid={testId}
    >
      <Icon name={copied ? 'check' : 'copy'} size={14} />
      <span>{copied ? t('common.copied') : (label ?? t('common.copy'))}</span>
    </button>
  );
}

/** Paging for a list with a known total. */
export function Pager({
  offset,
  limit,
  total,
  onChange,
}: {
  offset: number;
  limit: number;
  total: number;
  onChange: (offset: number) => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  if (total === 0) return null;
  const from = offset + 1;
  const to = Math.min(offset + limit, total);
  return (
    <div className="pager" data-testid="pager">
      <span className="muted">
        {t('common.range', { from: fmt.number(from), to: fmt.number(to), total: fmt.number(total) })}
      </span>
      <div className="pager-buttons">
        <button
          type="button"
          className="btn btn-sm"
          disabled={offset === 0}
          onClick={() => onChange(Math.max(0, offset - limit))}
          data-testid="pager-prev"
        >
          <Icon name="chevronLeft" size={14} /> {t('common.previous')}
        </button>
        <button
          type="button"
          className="btn btn-sm"
          disabled={to >= total}
          onClick={() => onChange(offset + limit)}
          data-testid="pager-next"
        >
          {t('common.next')} <Icon name="chevronRight" size={14} />
        </button>
      </div>
    </div>
  );
}

export function ProgressBar({ value, tone = 'accent', testId }: { value: number; tone?: 'accent' | 'ok' | 'bad'; testId?: string }) {
  const pct = Math.max(0, Math.min(1, value)) * 100;
  return (
    <div
      className={`progress progress-${tone}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(pct)}
      data-testid={testId}
    >
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

export function SearchInput({
  value,
  onChange,
  placeholder,
  testId,
}: {
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <label className="search">
      <Icon name="search" size={16} />
      <input
        type="search"
        value={value}
        placeholder={placeholder}
        aria-label={placeholder}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
      {value ? (
        <button type="button" className="search-clear" onClick={() => onChange('')} aria-label={t('common.clear')}>
          <Icon name="close" size={14} />
        </button>
      ) : null}
    </label>
  );
}

/** A row of mutually exclusive buttons (range picker, language switch). */
export function Segmented<T extends string>({
  options,
  value,
  onChange,
  label,
  testId,
}: {
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
  label: string;
  testId?: string;
}) {
  return (
    <div className="segmented" role="group" aria-label={label} data-testid={testId}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          className={o.value === value ? 'is-active' : undefined}
          aria-pressed={o.value === value}
          onClick={() => onChange(o.value)}
          data-testid={testId ? `${testId}-${o.value}` : undefined}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

/** Initials in a coloured circle; the colour is stable for a given seed. */
export function Avatar({ name, seed, size = 32 }: { name: string; seed: string; size?: number }) {
  let hash = 0;
  for (const ch of seed) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const letters = [...name.trim()].filter((c) => /[\p{L}\p{N}]/u.test(c));
  // Chinese names read best as their first character; Latin names as two initials.
  const words = name.trim().split(/\s+/);
  const initials = /[\u4e00-\u9fff]/.test(name)
    ? (letters[0] ?? '?')
    : ((words[0]?.[0] ?? '') + (words[1]?.[0] ?? '')).toUpperCase() || (letters[0] ?? '?');
  return (
    <span
      className="avatar"
      style={{ width: size, height: size, fontSize: size * 0.4, background: `hsl(${hash % 360} 55% 46%)` }}
      aria-hidden="true"
    >
      {initials}
    </span>
  );
}
