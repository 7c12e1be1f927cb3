import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import type { ImportJob, ImportKind } from '../../../src/imports/import.schema';
import { PageHeader } from '../components/Controls';
import { ImportForm, KINDS } from '../components/ImportForm';
import { ImportJobView, StatusBadge } from '../components/ImportJobView';
import { ErrorState, LoadingState } from '../components/States';
import { useFormat } from '../format';
import { useNow, useResource } from '../hooks';
import { useWorkspace } from '../session';

function Recent({ jobs, selected, onSelect }: { jobs: ImportJob[]; selected: string | null; onSelect: (id: string) => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useNow();
  if (jobs.length === 0) return <p className="muted">{t('import.recent.empty')}</p>;
  return (
    <div className="table-scroll">
      <table className="table table-compact" data-testid="imports-table">
        <thead>
          <tr>
            <th>{t('import.recent.file')}</th>
            <th>{t('import.recent.status')}</th>
            <th className="num">{t('import.recent.rows')}</th>
            <th>{t('import.recent.created')}</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id} className={`row-link${job.id === selected ? ' is-selected' : ''}`} onClick={() => onSelect(job.id)} data-testid="import-row">
              <td>
                <div className="who-text">
                  <span className="mono small">{job.fileName ?? t('import.recent.untitled')}</span>
                  <span className="muted small">{t(`import.kinds.${job.kind}.title`)}</span>
                </div>
              </td>
              <td><StatusBadge status={job.status} /></td>
              <td className="num">
                {fmt.number(job.rowsImported)} / <span className={job.rowsFailed ? 'text-bad' : undefined}>{fmt.number(job.rowsFailed)}</span>
              </td>
              <td className="nowrap" title={fmt.dateTime(job.createdAt)}>{fmt.relative(job.createdAt, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Import: upload a CSV with progress, watch the job, read its per-row error report. */
export default function ImportPage() {
  const { t } = useTranslation();
  const { workspace, api } = useWorkspace();
  const [params, setParams] = useSearchParams();
  const kindParam = params.get('kind');
  const initialKind: ImportKind = KINDS.find((k) => k === kindParam) ?? 'profiles';
  const jobId = params.get('job');

  // Poll the list only while some import is still running.
  const recent = useResource((signal) => api.imports(signal), [workspace.id], {
    pollMs: 3_000,
    pollWhile: (data) => data?.items.some((j) => j.status === 'running') ?? false,
  });
  const select = (id: string | null) => setParams(id ? { job: id } : {});

  return (
    <div className="page" data-testid="import-page">
      <PageHeader title={t('import.title')} subtitle={t('import.subtitle')} />
      <div className="import-grid">
        <ImportForm
          api={api}
          initialKind={initialKind}
          onStarted={(job) => {
            select(job.id);
            recent.reload();
          }}
        />
        <div className="import-side">
          {jobId ? <ImportJobView key={jobId} api={api} jobId={jobId} onFinished={recent.reload} /> : null}
          <section className="card">
            <h3 className="card-title">{t('import.recent.title')}</h3>
            {recent.error && !recent.data ? (
              <ErrorState error={recent.error} onRetry={recent.reload} />
            ) : !recent.data ? (
              <LoadingState />
            ) : (
              <Recent jobs={recent.data.items} selected={jobId} onSelect={select} />
            )}
          </section>
        </div>
      </div>
    </div>
  );
}
