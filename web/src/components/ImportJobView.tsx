import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportJob, ImportStatus } from '../../../src/imports/import.schema';
import type { Endpoints } from '../endpoints';
import { useFormat } from '../format';
import { useResource } from '../hooks';
import { ProgressBar } from './Controls';
import { Icon } from './Icon';
import { ErrorState, InlineError, LoadingState, Spinner } from './States';
import { en } from '../i18n/en';
import { hasTextIn } from '../i18n/codes';

const POLL_MS = 1_000;

const isImportCode = hasTextIn(en.import.job.codes);

/**
 * An import error as the reader's language has it. The server stores each with its code and an
 * English detail (which row, which value); in Chinese the code's own explanation is shown, and the
 * detail stays in the tooltip for support.
 */
function useImportErrorText(): (e: { code: string; message: string }) => string {
  const { t, i18n } = useTranslation();
  return (e) => (i18n.language === 'zh' && isImportCode(e.code) ? t(`import.job.codes.${e.code}`) : e.message);
}

export function StatusBadge({ status }: { status: ImportStatus }) {
  const { t } = useTranslation();
  const tone = status === 'completed' ? 'badge-ok' : status === 'failed' ? 'badge-bad' : 'badge-run';
  return (
    <span className={`badge ${tone}`} data-testid="import-status">
      {status === 'running' ? <Spinner small /> : null}
      {t(`import.job.status.${status}`)}
    </span>
  );
}

function ErrorTable({ job }: { job: ImportJob }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const text = useImportErrorText();
  if (job.errors.length === 0) {
    return job.status === 'completed' ? (
      <p className="ok-note"><Icon name="check" size={16} /> {t('import.job.noErrors')}</p>
    ) : null;
  }
  return (
    <div className="import-errors" data-testid="import-errors">
      <h4>{t('import.job.errorsTitle')}</h4>
      {job.rowsFailed > job.errors.length ? (
        <p className="muted small">
          {t('import.job.errorsCapped', { shown: fmt.number(job.errors.length), total: fmt.number(job.rowsFailed) })}
        </p>
      ) : null}
      <div className="table-scroll table-scroll-tall">
        <table className="table table-compact">
          <thead>
            <tr>
              <th className="num">{t('import.job.row')}</th>
              <th>{t('common.field')}</th>
              <th>{t('import.job.code')}</th>
              <th>{t('import.job.message')}</th>
            </tr>
          </thead>
          <tbody>
            {job.errors.map((e, i) => (
              <tr key={`${e.row}:${e.field ?? ''}:${i}`} data-testid="import-error-row">
                <td className="num">{e.row === 0 ? t('import.job.fileLevel') : fmt.number(e.row)}</td>
                <td className="mono small">{e.field ?? t('common.none')}</td>
                <td><code>{e.code}</code></td>
                <td title={e.message}>{text(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** One import job, polled every second while it runs: progress, counts, then the error report. */
export function ImportJobView({ api, jobId, onFinished }: { api: Endpoints; jobId: string; onFinished: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const errorText = useImportErrorText();
  const res = useResource((signal) => api.importJob(jobId, signal), [jobId], {
    pollMs: POLL_MS,
    pollWhile: (j) => !j || j.status === 'running',
  });
  const job = res.data;

  const finishedRef = useRef(onFinished);
  finishedRef.current = onFinished;
  const status = job?.status;
  useEffect(() => {
    if (status && status !== 'running') finishedRef.current();
  }, [status]);

  if (!job) return res.error ? <ErrorState error={res.error} onRetry={res.reload} /> : <LoadingState />;
  const fraction = job.totalBytes ? job.processedBytes / job.totalBytes : job.status === 'running' ? 0 : 1;
  const tone = job.status === 'failed' ? 'bad' : job.status === 'completed' ? 'ok' : 'accent';
  return (
    <section className="card import-job" data-testid="import-job">
      <header className="row-between">
        <div>
          <h3 className="card-title">{t('import.job.title')}</h3>
          <div className="muted small">
            <span className="mono">{job.fileName ?? t('import.recent.untitled')}</span> · {t(`import.kinds.${job.kind}.title`)} ·{' '}
            {t(`import.modes.${job.mode}.title`)}
          </div>
        </div>
        <StatusBadge status={job.status} />
      </header>
      {res.error ? <InlineError error={res.error} onRetry={res.reload} /> : null}
      <ProgressBar value={fraction} tone={tone} testId="import-progress" />
      <div className="row-between muted small">
        <span>{job.totalBytes ? t('import.job.bytes', { processed: fmt.bytes(job.processedBytes), total: fmt.bytes(job.totalBytes) }) : fmt.bytes(job.processedBytes)}</span>
        <span>{fmt.percent(fraction)}</span>
      </div>
      <div className="stats stats-3">
        <div className="stat"><div className="muted small">{t('import.job.rowsProcessed')}</div><div className="stat-value">{fmt.number(job.rowsProcessed)}</div></div>
        <div className="stat stat-ok"><div className="muted small">{t('import.job.rowsImported')}</div><div className="stat-value" data-testid="rows-imported">{fmt.number(job.rowsImported)}</div></div>
        <div className="stat stat-bad"><div className="muted small">{t('import.job.rowsFailed')}</div><div className="stat-value" data-testid="rows-failed">{fmt.number(job.rowsFailed)}</div></div>
      </div>
      {job.failure ? (
        <div className="inline-error" role="alert">
          <Icon name="alert" size={16} />
          <span title={job.failure.message}>{errorText(job.failure)} <code>{job.failure.code}</code></span>
        </div>
      ) : null}
      <ErrorTable job={job} />
    </section>
  );
}
