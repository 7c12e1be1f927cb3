import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams, useSearchParams } from 'react-router-dom';
import type { Channel } from '../../../src/messaging/template.schema';
import { PageHeader } from '../components/Controls';
import { Icon } from '../components/Icon';
import { CHANNELS, emptyDraft, fromTemplate } from '../components/messaging/draft';
import type { PickedProfile } from '../components/messaging/ProfilePicker';
import { TemplateForm } from '../components/messaging/TemplateForm';
import { ErrorState, InlineError, LoadingState } from '../components/States';
import { useResource } from '../hooks';
import { useWorkspace } from '../session';
import '../segments.css';
import '../messaging.css';

/** What the editor passes on when a first save moves it to the template's own address. */
function createdState(state: unknown): { profile: PickedProfile | null } | null {
  if (typeof state !== 'object' || state === null || !('saved' in state) || state.saved !== true) return null;
  const p = 'profile' in state ? state.profile : null;
  const ok = typeof p === 'object' && p !== null && 'id' in p && typeof p.id === 'string';
  // The editor itself put a PickedProfile here (history state survives only within this tab).
  return { profile: ok ? (p as PickedProfile) : null };
}

/** A new template (`?channel=sms` picks the channel) or an existing one, in the editor. */
export default function TemplateEditPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const [params] = useSearchParams();
  const { workspace, api } = useWorkspace();
  const existing = useResource((signal) => (id ? api.template(id, signal) : Promise.resolve(null)), [id, workspace.id]);
  const groups = useResource((signal) => api.subscriptionGroups(signal), [workspace.id]);
  const channel: Channel = CHANNELS.find((c) => c === params.get('channel')) ?? 'email';
  // Until the answer for this id arrives, the previous one (a new form's null, another template) is not shown.
  const data = existing.data === null ? (id ? undefined : null) : existing.data?.id === id ? existing.data : undefined;
  const created = createdState(useLocation().state);
  const ready = data !== undefined && (groups.data !== undefined || groups.error !== undefined);
  return (
    <div className="page" data-testid="template-edit-page">
      <Link to="/templates" className="back-link">
        <Icon name="chevronLeft" size={16} /> {t('messaging.editor.back')}
      </Link>
      <PageHeader title={data ? data.name : id ? t('messaging.editor.editTitle') : t('messaging.editor.newTitle')} subtitle={t('messaging.editor.subtitle')} />
      {groups.error ? <InlineError error={groups.error} onRetry={groups.reload} /> : null}
      {existing.error ? (
        <ErrorState error={existing.error} onRetry={existing.reload} />
      ) : !ready ? (
        <LoadingState />
      ) : (
        <TemplateForm
          key={data?.id ?? `new-${channel}`}
          templateId={data?.id}
          version={data?.version}
          justCreated={created !== null}
          initialProfile={created?.profile ?? null}
          initial={data ? fromTemplate(data) : emptyDraft(channel)}
          groups={groups.data?.items ?? []}
        />
      )}
    </div>
  );
}
