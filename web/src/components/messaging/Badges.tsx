import { useTranslation } from 'react-i18next';
import type { MessageStatus } from '../../../../src/messaging/message.schema';
import type { Channel } from '../../../../src/messaging/template.schema';
import { Icon, type IconName } from '../Icon';

const CHANNEL_ICON: Record<Channel, IconName> = { email: 'mail', sms: 'screen', webhook: 'link' };

export function ChannelBadge({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  return (
    <span className={`badge channel-badge channel-${channel}`} data-testid="channel-badge">
      <Icon name={CHANNEL_ICON[channel]} size={12} /> {t(`messaging.channels.${channel}`)}
    </span>
  );
}

const STATUS_TONE: Record<MessageStatus, string> = {
  queued: 'badge-run',
  sending: 'badge-run',
  sent: 'badge-ok',
  failed: 'badge-bad',
  suppressed: 'badge-warn',
  skipped: 'badge-muted',
  unknown: 'badge-warn',
};

/** A message's delivery status as a coloured chip; `reason` (why it was held back) as its tooltip. */
export function StatusChip({ status, reason }: { status: MessageStatus; reason?: string | null }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${STATUS_TONE[status]}`} title={reason ?? undefined} data-testid="status-chip" data-status={status}>
      {t(`messaging.status.${status}`)}
    </span>
  );
}

export function KindBadge({ kind }: { kind: 'marketing' | 'transactional' }) {
  const { t } = useTranslation();
  return <span className={`badge ${kind === 'marketing' ? 'badge-soon' : 'badge-muted'}`}>{t(`messaging.kinds.${kind}`)}</span>;
}
