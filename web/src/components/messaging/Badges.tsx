import { useTranslation } from 'react-i18next';
import type { MessageStatus } from '../../../../src/messaging/message.schema';
import type { Channel } from '../../../../src/messaging/template.schema';
import { hasTextIn } from '../../i18n/codes';
import { messagingEn as en } from '../../i18n/messaging.en';
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

const isReasonCode = hasTextIn(en.reasons);
/** Reasons whose words say all there is: the row's own English account of them adds nothing. */
const SELF_EXPLAINED: ReadonlySet<string> = new Set<keyof typeof en.reasons>(['interrupted', 'assumed_after_interruption']);

/** Why a message was held back or failed, in the dashboard's language; an unknown code as it is. */
export function useReasonText(): (reason: string | null) => string | null {
  const { t } = useTranslation();
  return (reason) => (reason === null ? null : isReasonCode(reason) ? t(`messaging.reasons.${reason}`) : reason);
}

/** A message's reason in words, and under it the provider's or sender's own account (`lastError`), when it adds something. */
export function MessageReason({ reason, lastError }: { reason: string | null; lastError: string | null }) {
  const text = useReasonText()(reason);
  const detail = lastError !== null && !(reason !== null && SELF_EXPLAINED.has(reason)) ? lastError : null;
  if (text === null && detail === null) return null;
  return (
    <span className="msg-error" data-testid="message-reason" data-reason={reason ?? undefined}>
      {text}
      {text !== null && detail !== null ? <br /> : null}
      {detail !== null ? <span className="muted small">{detail}</span> : null}
    </span>
  );
}

/** A message's delivery status as a coloured chip; `reason` (why it was held back) as its tooltip. */
export function StatusChip({ status, reason }: { status: MessageStatus; reason?: string | null }) {
  const { t } = useTranslation();
  const reasonText = useReasonText();
  return (
    <span className={`badge ${STATUS_TONE[status]}`} title={reasonText(reason ?? null) ?? undefined} data-testid="status-chip" data-status={status}>
      {t(`messaging.status.${status}`)}
    </span>
  );
}

export function KindBadge({ kind }: { kind: 'marketing' | 'transactional' }) {
  const { t } = useTranslation();
  return <span className={`badge ${kind === 'marketing' ? 'badge-soon' : 'badge-muted'}`}>{t(`messaging.kinds.${kind}`)}</span>;
}
