import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { MessageView } from '../../../../src/messaging/message.schema';
import { useFormat } from '../../format';
import { useNow } from '../../hooks';
import { profileHref } from '../ProfileCell';
import { ChannelBadge, MessageReason, StatusChip } from './Badges';

/** Messages as rows: when, to whom, what, and how it went; `action` adds a last cell per row. */
export function MessageTable({
  items,
  templateNames,
  action,
  showError = false,
  testId,
}: {
  items: readonly MessageView[];
  templateNames: ReadonlyMap<string, string>;
  action?: (m: MessageView) => ReactNode;
  showError?: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useNow();
  return (
    <div className="table-scroll">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th>{t('messaging.messages.columns.time')}</th>
            <th>{t('messaging.messages.columns.to')}</th>
            <th>{t('messaging.messages.columns.channel')}</th>
            <th className="hide-sm">{t('messaging.messages.columns.template')}</th>
            <th className="hide-sm">{showError ? t('messaging.messages.columns.error') : t('messaging.messages.columns.content')}</th>
            <th>{t('messaging.messages.columns.status')}</th>
            <th className="num">{t('messaging.messages.columns.attempts')}</th>
            {action ? <th /> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((m) => (
            <tr key={m.id} data-testid="message-row">
              <td className="nowrap" title={fmt.dateTime(m.createdAt)}>{fmt.relative(m.createdAt, now)}</td>
              <td>
                <div className="who-text">
                  {m.profileId ? <Link to={profileHref(m.profileId)} className="who-name">{m.to ?? m.profileId}</Link> : <span>{m.to ?? t('common.none')}</span>}
                  {m.source.kind === 'test' ? <span className="muted small">{t('messaging.messages.test')}</span> : null}
                </div>
              </td>
              <td><ChannelBadge channel={m.channel} /></td>
              <td className="hide-sm">
                {m.templateId ? <Link to={`/templates/${encodeURIComponent(m.templateId)}`}>{templateNames.get(m.templateId) ?? m.templateId}</Link> : <span className="muted">{t('common.none')}</span>}
              </td>
              <td className="hide-sm">
                {showError ? <div>{m.reason === null && m.lastError === null ? t('common.none') : <MessageReason reason={m.reason} lastError={m.lastError} />}</div> : <div className="msg-content" title={m.preview ?? undefined}>{m.subject ?? m.preview ?? t('common.none')}</div>}
              </td>
              <td className="nowrap">
                <StatusChip status={m.status} reason={m.reason} />
                {m.sandbox ? <span className="badge badge-sandbox badge-inline" title={t('messaging.messages.sandboxHint')} data-testid="sandbox-chip">{t('messaging.messages.sandbox')}</span> : null}
              </td>
              <td className="num">{t('messaging.messages.attempts', { attempts: m.attempts, max: m.maxAttempts })}</td>
              {action ? <td className="nowrap">{action(m)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
