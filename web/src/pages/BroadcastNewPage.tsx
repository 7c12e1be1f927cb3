import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { PageHeader } from '../components/Controls';
import { Icon } from '../components/Icon';
import { BroadcastForm } from '../components/journeys/BroadcastForm';
import { ErrorState, LoadingState } from '../components/States';
import { useResource } from '../hooks';
import { useWorkspace } from '../session';
import '../journeys.css';

/** A new broadcast (saved as a draft; sent or scheduled from its page). */
export default function BroadcastNewPage() {
  const { t } = useTranslation();
  const { workspace, api } = useWorkspace();
  const segments = useResource((signal) => api.segments(signal), [workspace.id]);
  const templates = useResource((signal) => api.templates(signal), [workspace.id]);
  const failed = segments.error ?? templates.error;
  return (
    <div className="page" data-testid="broadcast-new-page">
      <Link to="/broadcasts" className="back-link"><Icon name="chevronLeft" size={16} /> {t('journeys.broadcasts.back')}</Link>
      <PageHeader title={t('journeys.broadcasts.form.title')} subtitle={t('journeys.broadcasts.form.subtitle')} />
      {failed ? (
        <ErrorState error={failed} onRetry={() => { segments.reload(); templates.reload(); }} />
      ) : !segments.data || !templates.data ? (
        <LoadingState />
      ) : (
        <BroadcastForm segments={segments.data.items} templates={templates.data.items} />
      )}
    </div>
  );
}
