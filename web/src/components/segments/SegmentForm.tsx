import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import type { SegmentDefinition, SegmentFieldCatalog } from '../../../../src/segments/segment.schema';
import { asApiError, type ApiError } from '../../api';
import { useWorkspace } from '../../session';
import { Segmented } from '../Controls';
import { InlineError, Spinner } from '../States';
import { BuilderProvider, type BuilderContext, type NodeErrorInfo } from './builderContext';
import { incompletePaths, locateField } from './definition';
import { JsonEditor } from './JsonEditor';
import { PreviewPanel } from './PreviewPanel';
import { RuleBuilder } from './RuleBuilder';
import { usePreview } from './usePreview';

export interface SegmentDraft {
  name: string;
  description: string;
  definition: SegmentDefinition;
}

type Tab = 'builder' | 'json';

/** Errors whose `field` points into the definition, by the node they are about. */
function errorsByNode(...errors: (ApiError | undefined)[]): Map<string, NodeErrorInfo> {
  const out = new Map<string, NodeErrorInfo>();
  for (const error of errors) {
    if (!error?.field || error.status !== 400) continue;
    const at = locateField(error.field);
    if (at && !out.has(at.node)) out.set(at.node, { error, rest: at.rest });
  }
  return out;
}

/** Name, description and rules of a segment, with a live preview; saving opens the segment. */
export function SegmentForm({ initial, segmentId, catalog }: { initial: SegmentDraft; segmentId?: string; catalog: SegmentFieldCatalog | undefined }) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const navigate = useNavigate();
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [definition, setDefinition] = useState(initial.definition);
  const [tab, setTab] = useState<Tab>('builder');
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<ApiError>();
  const [nameMissing, setNameMissing] = useState(false);

  const incomplete = useMemo(() => incompletePaths(definition.root), [definition]);
  const preview = usePreview(api, definition, incomplete.length === 0);
  const errors = useMemo(() => errorsByNode(saveError, preview.pending ? undefined : preview.error), [saveError, preview.error, preview.pending]);
  const context = useMemo<BuilderContext>(() => ({ catalog, errors, incomplete: new Set(incomplete), selfId: segmentId }), [catalog, errors, incomplete, segmentId]);

  const change = (next: SegmentDefinition) => {
    setDefinition(next);
    setSaveError(undefined);
  };

  const save = async () => {
    if (!name.trim()) {
      setNameMissing(true);
      return;
    }
    setSaving(true);
    setSaveError(undefined);
    try {
      const body = { name: name.trim(), description: description.trim(), definition };
      const saved = segmentId ? await api.updateSegment(segmentId, body) : await api.createSegment(body);
      navigate(`/segments/${encodeURIComponent(saved.id)}`);
    } catch (e) {
      setSaveError(asApiError(e));
      setSaving(false);
    }
  };

  const nameError = nameMissing && !name.trim() ? t('segments.editor.nameRequired') : saveError?.field === 'name' ? saveError.message : null;
  return (
    <div className="editor-grid">
      <div className="editor-main">
        <section className="card editor-meta">
          <label className="field">
            <span>{t('segments.editor.name')}</span>
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('segments.editor.namePlaceholder')} maxLength={200} data-testid="segment-name" />
            {nameError ? <span className="field-error">{nameError}</span> : null}
          </label>
          <label className="field">
            <span>{t('segments.editor.description')}</span>
            <input value={description} onChange={(e) => setDescription(e.target.value)} placeholder={t('segments.editor.descriptionPlaceholder')} maxLength={2000} data-testid="segment-description" />
          </label>
        </section>
        <section className="card">
          <div className="row-between editor-tabs">
            <h3>{t('segments.editor.rules')}</h3>
            <Segmented
              label={t('segments.editor.rules')}
              value={tab}
              onChange={setTab}
              options={[
                { value: 'builder', label: t('segments.editor.builder') },
                { value: 'json', label: t('segments.editor.json') },
              ]}
              testId="editor-tab"
            />
          </div>
          <BuilderProvider value={context}>
            {tab === 'builder' ? <RuleBuilder root={definition.root} onChange={(root) => change({ root })} /> : <JsonEditor definition={definition} onChange={change} />}
          </BuilderProvider>
        </section>
        {saveError && !errors.size ? <InlineError error={saveError} /> : null}
        <div className="editor-actions">
          <button type="button" className="btn btn-primary" onClick={() => void save()} disabled={saving} data-testid="segment-save">
            {saving ? <Spinner small /> : null}
            {saving ? t('segments.editor.saving') : t('segments.editor.save')}
          </button>
          <Link className="btn" to={segmentId ? `/segments/${encodeURIComponent(segmentId)}` : '/segments'}>
            {t('common.cancel')}
          </Link>
          {segmentId ? <span className="muted small">{t('segments.editor.recomputeNote')}</span> : null}
        </div>
      </div>
      <aside className="editor-side">
        <PreviewPanel preview={preview} incomplete={incomplete.length > 0} invalid={errors.size > 0} />
      </aside>
    </div>
  );
}
