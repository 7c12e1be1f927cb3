import { useTranslation } from 'react-i18next';
import type { ComputeStatus } from '../../../../src/segments/segment.schema';
import { useFormat } from '../../format';
import { ProgressBar } from '../Controls';
import { Spinner } from '../States';

/** Live (event-driven) or time-based (also re-evaluated as time passes). */
export function UpdateBadge({ timeDependent }: { timeDependent: boolean }) {
  const { t } = useTranslation();
  return timeDependent ? (
    <span className="badge badge-warn" title={t('segments.badges.timeHint')} data-testid="badge-time">
      {t('segments.badges.time')}
    </span>
  ) : (
    <span className="badge badge-ok" title={t('segments.badges.liveHint')} data-testid="badge-live">
      <span className="live-dot live-dot-sm" aria-hidden="true" /> {t('segments.badges.live')}
    </span>
  );
}

/** Ready / computing (with a progress bar) / failed (with the reason on hover). */
export function ComputeState({ compute, wide = false }: { compute: ComputeStatus; wide?: boolean }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  switch (compute.state) {
    case 'computing':
      return (
        <div className={wide ? 'compute compute-wide' : 'compute'} data-testid="compute-state" data-state="computing">
          <span className="badge badge-run">
            <Spinner small /> {t('segments.state.computing', { percent: fmt.percent(compute.progress) })}
          </span>
          <ProgressBar value={compute.progress} testId="compute-progress" />
        </div>
      );
    case 'failed':
      return (
        <span className="badge badge-bad" title={compute.error ?? undefined} data-testid="compute-state" data-state="failed">
          {t('segments.state.failed')}
        </span>
      );
    case 'ready':
      return (
        <span className="badge" data-testid="compute-state" data-state="ready">
          {t('segments.state.ready')}
        </span>
      );
    default:
      return null;
  }
}
