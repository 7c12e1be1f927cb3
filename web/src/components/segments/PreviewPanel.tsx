import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Avatar } from '../Controls';
import { Icon } from '../Icon';
import { InlineError, Spinner } from '../States';
import { useFormat } from '../../format';
import type { PreviewState } from './usePreview';

/** The editor's side panel: how many customers match right now, of how many, and who some of them are. */
export function PreviewPanel({ preview, incomplete, invalid }: { preview: PreviewState; incomplete: boolean; invalid: boolean }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { data, error, pending } = preview;
  const share = data && data.population > 0 ? data.count / data.population : 0;
  return (
    <section className="card preview" data-testid="segment-preview" aria-live="polite">
      <header className="row-between">
        <h3>{t('segments.preview.title')}</h3>
        {pending ? <Spinner small /> : null}
      </header>
      {incomplete ? <p className="preview-note">{t('segments.preview.incomplete')}</p> : null}
      {invalid ? (
        <p className="preview-note preview-note-bad">
          <Icon name="alert" size={14} /> {t('segments.preview.invalid')}
        </p>
      ) : null}
      {error && !invalid ? <InlineError error={error} /> : null}
      {data ? (
        <div className={pending || incomplete || invalid ? 'is-stale' : undefined}>
          <div className="preview-figure">
            <span className="preview-count" data-testid="preview-count" data-count={data.count}>
              {data.exact ? '' : '≈ '}
              {fmt.number(data.count)}
            </span>
            {!data.exact && data.margin !== null ? (
              <span className="muted" data-testid="preview-margin">
                {t('segments.preview.margin', { margin: fmt.number(Math.round(data.margin)) })}
              </span>
            ) : null}
          </div>
          <div className="muted small">
            {t('segments.preview.population', { share: fmt.percent(share), population: fmt.number(data.population) })}
          </div>
          <div className="share-bar" aria-hidden="true">
            <div style={{ width: `${Math.min(100, share * 100)}%` }} />
          </div>
          <div className="muted small" data-testid="preview-took">
            {t(data.exact ? 'segments.preview.tookExact' : 'segments.preview.tookEstimate', { ms: fmt.number(Math.round(data.tookMs)) })}
          </div>
          <h4 className="preview-sample-title">{t('segments.preview.sample')}</h4>
          {data.sample.length === 0 ? (
            <p className="muted small">{t('segments.preview.noSample')}</p>
          ) : (
            <ul className="sample-list" data-testid="preview-sample">
              {data.sample.map((p) => {
                const name = p.name ?? p.email ?? p.userId ?? t('customers.anonymous');
                return (
                  <li key={p.id} data-testid="preview-member">
                    <Avatar name={name} seed={p.id} size={26} />
                    <div className="who-text">
                      <Link to={`/customers/${encodeURIComponent(p.id)}`} className="who-name" target="_blank" rel="noreferrer">
                        {name}
                      </Link>
                      <span className="muted small">{p.email ?? p.phone ?? p.userId ?? t('common.none')}</span>
                    </div>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      ) : !incomplete && !invalid && !error ? (
        <p className="muted small">{t('segments.preview.waiting')}</p>
      ) : null}
    </section>
  );
}
