import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { asApiError, type ApiError } from '../../../api';
import type { JobInfo } from '../../../../../src/queue/job.schema';
import { useFormat } from '../../../format';
import { useResource } from '../../../hooks';
import { useWorkspace } from '../../../session';
import { ProgressBar } from '../../Controls';
import { Icon } from '../../Icon';
import { InlineError, Spinner } from '../../States';

const POLL_MS = 1_000;
const DONE = new Set(['completed', 'succeeded', 'done']);
const isFinished = (job: JobInfo | undefined) => job !== undefined && (DONE.has(job.status) || job.status === 'failed');

function JobProgress({ jobId, onFinished }: { jobId: string; onFinished: (job: JobInfo) => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { api } = useWorkspace();
  const job = useResource((signal) => api.job(jobId, signal), [jobId], { pollMs: POLL_MS, pollWhile: (data) => !isFinished(data) });
  const finished = useRef(false);
  const onFinishedRef = useRef(onFinished);
  onFinishedRef.current = onFinished;
  useEffect(() => {
    if (job.data && isFinished(job.data) && !finished.current) {
      finished.current = true;
      onFinishedRef.current(job.data);
    }
  }, [job.data]);
  if (job.error && !job.data) return <InlineError error={job.error} onRetry={job.reload} />;
  const progress = job.data?.progress ?? 0;
  return (
    <div className="rfm-job" data-testid="rfm-job">
      <div className="row-between small">
        <span>
          <Spinner small /> {t('rfm.recomputing')}
          {/* The server's note is a short English status ("Scoring customers"), shown as detail. */}
          {job.data?.progressNote ? <span className="muted"> · {job.data.progressNote}</span> : null}
        </span>
        <span className="muted">{fmt.percent(progress)}</span>
      </div>
      <ProgressBar value={progress} testId="rfm-job-progress" />
    </div>
  );
}

/** "Recompute" and, while the job runs, its progress; calls `onDone` when the new scores are in. */
export function RecomputeControl({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const [jobId, setJobId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [failure, setFailure] = useState<string | null>(null);

  const start = async () => {
    setStarting(true);
    setError(undefined);
    setFailure(null);
    try {
      setJobId((await api.recomputeRfm()).jobId);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setStarting(false);
    }
  };

  return (
    <div className="rfm-recompute">
      <button type="button" className="btn" onClick={() => void start()} disabled={starting || jobId !== null} data-testid="rfm-recompute">
        {starting || jobId ? <Spinner small /> : <Icon name="refresh" size={14} />} {jobId ? t('rfm.recomputing') : t('rfm.recompute')}
      </button>
      {jobId ? (
        <JobProgress
          key={jobId}
          jobId={jobId}
          onFinished={(job) => {
            setJobId(null);
            if (job.status === 'failed') setFailure(job.error ?? job.status);
            else onDone();
          }}
        />
      ) : null}
      {error ? <InlineError error={error} /> : null}
      {failure ? <p className="text-bad small" role="alert">{t('rfm.jobFailed', { error: failure })}</p> : null}
    </div>
  );
}
