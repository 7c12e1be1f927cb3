import { useTranslation } from 'react-i18next';
import type { JourneyLifecycle } from '../../../../src/journeys/journey.api.schema';
import type { BroadcastStatus } from '../../../../src/journeys/broadcast.schema';

const JOURNEY_TONE: Record<JourneyLifecycle, string> = { draft: 'badge', active: 'badge badge-ok', paused: 'badge badge-warn', archived: 'badge' };
const BROADCAST_TONE: Record<BroadcastStatus, string> = { draft: 'badge', scheduled: 'badge badge-run', sending: 'badge badge-run', sent: 'badge badge-ok', cancelled: 'badge badge-bad' };

export function JourneyStatusChip({ status }: { status: JourneyLifecycle }) {
  const { t } = useTranslation();
  return <span className={JOURNEY_TONE[status]} data-testid="journey-status" data-status={status}>{t(`journeys.status.${status}`)}</span>;
}

export function BroadcastStatusChip({ status }: { status: BroadcastStatus }) {
  const { t } = useTranslation();
  return <span className={BROADCAST_TONE[status]} data-testid="broadcast-status" data-status={status}>{t(`journeys.broadcasts.status.${status}`)}</span>;
}
