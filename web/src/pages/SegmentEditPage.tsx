import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { PageHeader } from '../components/Controls';
import { Icon } from '../components/Icon';
import { emptyDefinition, rfmGroupDefinition } from '../components/segments/definition';
import { useRfmGroupLabel } from '../components/segments/rfm/groups';
import { SegmentForm, type SegmentDraft } from '../components/segments/SegmentForm';
import { ErrorState, InlineError, LoadingState } from '../components/States';
import { useResource } from '../hooks';
import { useWorkspace } from '../session';
import '../segments.css';

/** New segment (optionally pre-filled for an RFM group with `?rfmGroup=`) and editing an existing one. */
export default function SegmentEditPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const [params] = useSearchParams();
  const { workspace, api } = useWorkspace();
  const groupLabel = useRfmGroupLabel();
  const fields = useResource((signal) => api.segmentFields(signal), [workspace.id]);
  const existing = useResource((signal) => (id ? api.segment(id, signal) : Promise.resolve(null)), [id, workspace.id]);

  const rfmGroup = params.get('rfmGroup');
  const fresh = (): SegmentDraft =>
    rfmGroup
      ? { name: t('rfm.segmentName', { group: groupLabel(rfmGroup) }), description: '', definition: rfmGroupDefinition(rfmGroup) }
      : { name: '', description: '', definition: emptyDefinition() };

  const title = id ? t('segments.editor.editTitle') : t('segments.editor.newTitle');
  const ready = existing.data !== undefined && (fields.data !== undefined || fields.error !== undefined);
  return (
    <div className="page" data-testid="segment-edit-page">
      <Link to={id ? `/segments/${encodeURIComponent(id)}` : '/segments'} className="back-link">
        <Icon name="chevronLeft" size={16} /> {id && existing.data ? existing.data.name : t('segments.detail.back')}
      </Link>
      <PageHeader title={title} subtitle={t('segments.editor.subtitle')} />
      {fields.error ? <InlineError error={fields.error} onRetry={fields.reload} /> : null}
      {existing.error ? (
        <ErrorState error={existing.error} onRetry={existing.reload} />
      ) : !ready ? (
        <LoadingState />
      ) : (
        <SegmentForm
          key={existing.data?.id ?? `new-${rfmGroup ?? ''}`}
          segmentId={existing.data?.id}
          catalog={fields.data}
          initial={existing.data ? { name: existing.data.name, description: existing.data.description, definition: existing.data.definition } : fresh()}
        />
      )}
    </div>
  );
}
