import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageStatus } from '../../../../src/messaging/message.schema';
import type { Channel } from '../../../../src/messaging/template.schema';
import { useFormat } from '../../format';
import { useResource } from '../../hooks';
import { useWorkspace } from '../../session';
import { ChartCard } from '../Charts';
import { Pager } from '../Controls';
import { EmptyState, ErrorState, InlineError, LoadingState, Spinner } from '../States';
import { CHANNELS } from './draft';
import { MessageTable } from './MessageTable';
import { StatusChart } from './StatusChart';

const PAGE_SIZE = 50;
/** The chart reads the newest messages the API will give in one page (its maximum). */
const CHART_SAMPLE = 200;
const STATUSES: readonly MessageStatus[] = ['queued', 'sending', 'sent', 'failed', 'suppressed', 'skipped', 'unknown'];
const POLL_MS = 5_000;

/** The delivery log: newest first, filtered by status and channel, paged; a chart of the latest by status. */
export function MessageLog({ templateNames }: { templateNames: ReadonlyMap<string, string> }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { workspace, api } = useWorkspace();
  const [status, setStatus] = useState<MessageStatus | ''>('');
  const [channel, setChannel] = useState<Channel | ''>('');
  const [offset, setOffset] = useState(0);
  const list = useResource(
    (signal) => api.messages({ status: status || undefined, channel: channel || undefined, limit: PAGE_SIZE, offset }, signal),
    [status, channel, offset, workspace.id],
    { pollMs: POLL_MS },
  );
  const latest = useResource((signal) => api.messages({ limit: CHART_SAMPLE, offset: 0 }, signal), [workspace.id], { pollMs: POLL_MS * 3 });
  const { data, error, loading } = list;
  const filtered = Boolean(status || channel);

  return (
    <div className="consent-stack" data-testid="message-log">
      {latest.data && latest.data.items.length > 0 ? (
        <ChartCard
          title={t('messaging.messages.chart.title')}
          figure={fmt.number(latest.data.total)}
          hint={t('messaging.messages.chart.hint', { count: latest.data.items.length })}
          testId="chart-status"
        >
          <StatusChart messages={latest.data.items} />
        </ChartCard>
      ) : null}
      <div className="toolbar">
        <select className="input input-sm" value={status} aria-label={t('messaging.messages.statusLabel')} data-testid="messages-status"
          onChange={(e) => { setStatus(STATUSES.find((s) => s === e.target.value) ?? ''); setOffset(0); }}>
          <option value="">{t('messaging.messages.allStatuses')}</option>
          {STATUSES.map((s) => <option key={s} value={s}>{t(`messaging.status.${s}`)}</option>)}
        </select>
        <select className="input input-sm" value={channel} aria-label={t('messaging.messages.channelLabel')} data-testid="messages-channel"
          onChange={(e) => { setChannel(CHANNELS.find((c) => c === e.target.value) ?? ''); setOffset(0); }}>
          <option value="">{t('messaging.messages.allChannels')}</option>
          {CHANNELS.map((c) => <option key={c} value={c}>{t(`messaging.channels.${c}`)}</option>)}
        </select>
        {loading && data ? <Spinner small /> : null}
      </div>
      {error && data ? <InlineError error={error} onRetry={list.reload} /> : null}
      {!data ? (
        error ? <ErrorState error={error} onRetry={list.reload} /> : <LoadingState />
      ) : data.items.length === 0 ? (
        filtered ? (
          <EmptyState icon="search" title={t('messaging.messages.noMatch')} testId="messages-empty" />
        ) : (
          <EmptyState icon="mail" title={t('messaging.messages.empty.title')} body={t('messaging.messages.empty.body')} testId="messages-empty" />
        )
      ) : (
        <div className="card table-card">
          <MessageTable items={data.items} templateNames={templateNames} testId="messages-table" />
          <Pager offset={offset} limit={PAGE_SIZE} total={data.total} onChange={setOffset} />
        </div>
      )}
    </div>
  );
}
