import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { PageHeader } from '../components/Controls';
import { DeadLetter } from '../components/messaging/DeadLetter';
import { FrequencyCaps } from '../components/messaging/FrequencyCaps';
import { MessageLog } from '../components/messaging/MessageLog';
import { SubscriptionGroups } from '../components/messaging/SubscriptionGroups';
import { Suppressions } from '../components/messaging/Suppressions';
import { useResource } from '../hooks';
import { useWorkspace } from '../session';
import '../segments.css';
import '../messaging.css';

const TABS = ['log', 'dead', 'groups', 'suppressions', 'caps'] as const;
type Tab = (typeof TABS)[number];

/** Messages: the delivery log, the dead letter, and consent (subscription groups, suppression list, frequency caps). */
export default function MessagesPage() {
  const { t } = useTranslation();
  const { workspace, api } = useWorkspace();
  const [params, setParams] = useSearchParams();
  const tab: Tab = TABS.find((x) => x === params.get('tab')) ?? 'log';
  const templates = useResource((signal) => api.templates(signal), [workspace.id]);
  const names = useMemo(() => new Map((templates.data?.items ?? []).map((x) => [x.id, x.name])), [templates.data]);
  return (
    <div className="page" data-testid="messages-page">
      <PageHeader title={t('messaging.messages.title')} subtitle={t('messaging.messages.subtitle')} />
      <div className="tabs-bar" role="tablist" aria-label={t('messaging.messages.title')}>
        {TABS.map((x) => (
          <button
            key={x}
            type="button"
            role="tab"
            aria-selected={tab === x}
            className={`lang-tab${tab === x ? ' is-active' : ''}`}
            onClick={() => setParams(x === 'log' ? {} : { tab: x }, { replace: true })}
            data-testid={`messages-tab-${x}`}
          >
            {t(`messaging.messages.tabs.${x}`)}
          </button>
        ))}
      </div>
      {tab === 'log' ? <MessageLog templateNames={names} /> : tab === 'dead' ? <DeadLetter templateNames={names} /> : tab === 'groups' ? <SubscriptionGroups /> : tab === 'suppressions' ? <Suppressions /> : <FrequencyCaps />}
    </div>
  );
}
