import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageView } from '../../../../src/messaging/message.schema';
import { ApiError, asApiError } from '../../api';
import { useAction, useResource } from '../../hooks';
import { useWorkspace } from '../../session';
import { Pager } from '../Controls';
import { Icon } from '../Icon';
import { EmptyState, ErrorState, InlineError, LoadingState, Spinner } from '../States';
import { MessageTable } from './MessageTable';

const PAGE_SIZE = 50;

function RetryButton({ message, onDone }: { message: MessageView; onDone: (result: MessageView | ApiError) => void }) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const { busy, run } = useAction();
  // The outcome, failure included, is the list's to show (above the table), not this button's.
  const retry = () => run(() => api.retryMessage(message.id).then(onDone, (e: unknown) => onDone(asApiError(e))));
  return (
    <button type="button" className="btn btn-sm" disabled={busy} onClick={() => void retry()} data-testid="message-retry">
      {busy ? <Spinner small /> : <Icon name="refresh" size={14} />} {busy ? t('messaging.messages.dead.retrying') : t('messaging.messages.dead.retry')}
    </button>
  );
}

/** Messages that failed for good or were cut off mid-send, each with a retry. */
export function DeadLetter({ templateNames }: { templateNames: ReadonlyMap<string, string> }) {
  const { t } = useTranslation();
  const { workspace, api } = useWorkspace();
  const [offset, setOffset] = useState(0);
  const [outcome, setOutcome] = useState<MessageView | ApiError>();
  const list = useResource((signal) => api.deadLetter({ limit: PAGE_SIZE, offset }, signal), [offset, workspace.id]);
  const { data, error } = list;
  const done = (result: MessageView | ApiError) => {
    setOutcome(result);
    list.reload();
  };
  return (
    <div className="consent-stack" data-testid="dead-letter">
      <p className="muted">{t('messaging.messages.dead.hint')}</p>
      {outcome instanceof ApiError ? <InlineError error={outcome} /> : outcome ? (
        <p className={outcome.status === 'sent' || outcome.status === 'queued' ? 'notice' : 'text-bad small'} data-testid="retry-result">{t('messaging.messages.dead.retried', { status: t(`messaging.status.${outcome.status}`) })}</p>
      ) : null}
      {error && data ? <InlineError error={error} onRetry={list.reload} /> : null}
      {!data ? (
        error ? <ErrorState error={error} onRetry={list.reload} /> : <LoadingState />
      ) : data.items.length === 0 ? (
        <EmptyState icon="check" title={t('messaging.messages.dead.empty.title')} body={t('messaging.messages.dead.empty.body')} testId="dead-empty" />
      ) : (
        <div className="card table-card">
          <MessageTable items={data.items} templateNames={templateNames} showError testId="dead-table" action={(m) => <RetryButton message={m} onDone={done} />} />
          <Pager offset={offset} limit={PAGE_SIZE} total={data.total} onChange={setOffset} />
        </div>
      )}
    </div>
  );
}
