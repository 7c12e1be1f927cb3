import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api';
import { en } from '../i18n/en';
import { hasTextIn } from '../i18n/codes';
import { Icon, type IconName } from './Icon';

const hasErrorText = hasTextIn(en.errors);

/** The user-facing text for an API error: our translation for known codes, else the server's message. */
export function useErrorText(): (error: ApiError) => string {
  const { t } = useTranslation();
  return (error) => (error.code !== 'title' && hasErrorText(error.code) ? t(`errors.${error.code}`) : error.message);
}

export function Spinner({ small = false }: { small?: boolean }) {
  return <span className={small ? 'spinner spinner-sm' : 'spinner'} role="status" aria-hidden="true" />;
}

export function LoadingState({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <div className="state state-loading" data-testid="loading">
      <Spinner />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

/** A full-panel error: what went wrong in words, plus the API's code (and field) for support. */
export function ErrorState({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t } = useTranslation();
  const text = useErrorText();
  return (
    <div className="state state-error" role="alert" data-testid="error-state">
      <div className="state-icon">
        <Icon name="alert" size={22} />
      </div>
      <h3>{t('errors.title')}</h3>
      <p>{text(error)}</p>
      <p className="muted small">
        {t('common.errorCode')}: <code data-testid="error-code">{error.code}</code>
        {error.field ? (
          <>
            {' · '}
            {t('common.field')}: <code>{error.field}</code>
          </>
        ) : null}
      </p>
      {onRetry ? (
        <button type="button" className="btn" onClick={onRetry}>
          <Icon name="refresh" size={14} /> {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}

/** A one-line error shown above content that is still useful (a failed poll, a failed action). */
export function InlineError({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t } = useTranslation();
  const text = useErrorText();
  return (
    <div className="inline-error" role="alert" data-testid="inline-error">
      <Icon name="alert" size={16} />
      <span>
        {text(error)} <code>{error.code}</code>
        {error.field ? <code>{error.field}</code> : null}
      </span>
      {onRetry ? (
        <button type="button" className="btn btn-ghost btn-sm" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function EmptyState({
  icon,
  title,
  body,
  action,
  testId,
}: {
  icon: IconName;
  title: string;
  body?: string;
  action?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="state state-empty" data-testid={testId ?? 'empty-state'}>
      <div className="state-icon">
        <Icon name={icon} size={22} />
      </div>
      <h3>{title}</h3>
      {body ? <p>{body}</p> : null}
      {action ? <div className="state-action">{action}</div> : null}
    </div>
  );
}
