import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import type { SubscriptionGroup } from '../../../../src/messaging/consent.schema';
import type { TemplatePreviewRequest } from '../../../../src/messaging/template.api.schema';
import type { Locale } from '../../../../src/messaging/template.schema';
import { asApiError, type ApiError } from '../../api';
import { useWorkspace } from '../../session';
import { Segmented } from '../Controls';
import { InlineError, Spinner } from '../States';
import { ContentEditor } from './ContentEditor';
import { CHANNELS, LOCALES, isFilled, toBody, toInput, type TemplateDraft } from './draft';
import { IssueList, TextField } from './Fields';
import { issuesByField, type FieldIssue } from './issues';
import type { PickedProfile } from './ProfilePicker';
import { TemplatePreview } from './TemplatePreview';
import { TestSend } from './TestSend';
import { useTemplatePreview } from './useTemplatePreview';

const TOP_LEVEL = new Set(['name', 'description', 'subscriptionGroupId']);
const CONTENT_FIELDS = { email: ['subject', 'preheader', 'html', 'text'], sms: ['text'], webhook: ['url', 'method', 'headers', 'body'] } as const;

/** Name, kind, group and bilingual content of a template, with a live preview and a test send. */
export function TemplateForm({
  initial,
  templateId,
  version,
  groups,
  justCreated = false,
  initialProfile = null,
}: {
  initial: TemplateDraft;
  templateId?: string;
  version?: number;
  groups: SubscriptionGroup[];
  /** Opened right after the first save (shows "Saved"). */
  justCreated?: boolean;
  /** The customer the preview showed before that save. */
  initialProfile?: PickedProfile | null;
}) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const navigate = useNavigate();
  const [draft, setDraft] = useState(initial);
  const [tab, setTab] = useState<Locale>(LOCALES.find((l) => isFilled(initial, l)) ?? initial.defaultLocale);
  const [profile, setProfile] = useState<PickedProfile | null>(initialProfile);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<ApiError>();
  const [saveIssues, setSaveIssues] = useState<Map<string, FieldIssue[]>>(new Map());
  const [nameMissing, setNameMissing] = useState(false);
  const [savedVersion, setSavedVersion] = useState(version);
  const [justSaved, setJustSaved] = useState(justCreated);

  const request = useMemo<TemplatePreviewRequest | null>(
    () => (isFilled(draft, tab) ? { body: toBody(draft), defaultLocale: draft.defaultLocale, profileId: profile?.id, locale: tab } : null),
    [draft, tab, profile],
  );
  const preview = useTemplatePreview(api, request);
  const previewIssues = useMemo(() => (preview.pending ? new Map<string, FieldIssue[]>() : issuesByField(preview.error)), [preview.error, preview.pending]);
  const issues = useMemo(() => {
    const merged = new Map(previewIssues);
    for (const [k, v] of saveIssues) merged.set(k, v);
    return merged;
  }, [previewIssues, saveIssues]);

  const placed = new Set([...TOP_LEVEL, ...LOCALES.flatMap((l) => CONTENT_FIELDS[draft.channel].map((f) => `${l}.${f}`))]);
  const unplaced = [...issues].filter(([k]) => !placed.has(k)).flatMap(([, v]) => v);
  const issueCount = [...saveIssues.values()].reduce((n, v) => n + v.length, 0);

  /** Applies an edit and forgets the save-time issues of the fields it touched. */
  const edit = (next: TemplateDraft, touched: string[]) => {
    setDraft(next);
    setJustSaved(false);
    if (touched.some((k) => saveIssues.has(k))) {
      const rest = new Map(saveIssues);
      for (const k of touched) rest.delete(k);
      setSaveIssues(rest);
    }
  };
  const set = (patch: Partial<TemplateDraft>) => edit({ ...draft, ...patch }, Object.keys(patch));

  const save = async () => {
    if (!draft.name.trim()) {
      setNameMissing(true);
      return;
    }
    setSaving(true);
    setSaveError(undefined);
    setSaveIssues(new Map());
    try {
      const input = toInput(draft);
      const saved = templateId ? await api.updateTemplate(templateId, { ...input, version: savedVersion }) : await api.createTemplate(input);
      setSavedVersion(saved.version);
      setJustSaved(true);
      if (!templateId) navigate(`/templates/${encodeURIComponent(saved.id)}`, { replace: true, state: { saved: true, profile } });
    } catch (e) {
      const error = asApiError(e);
      setSaveError(error);
      setSaveIssues(issuesByField(error));
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    if (!templateId || !window.confirm(t('messaging.editor.confirmDelete'))) return;
    try {
      await api.deleteTemplate(templateId);
      navigate('/templates');
    } catch (e) {
      setSaveError(asApiError(e));
    }
  };

  const channelGroups = groups.filter((g) => g.channel === draft.channel);
  const nameIssues: FieldIssue[] | undefined = nameMissing && !draft.name.trim() ? [{ code: 'REQUIRED', message: t('messaging.editor.nameRequired') }] : issues.get('name');
  return (
    <div className="tpl-grid">
      <div className="editor-main">
        <section className="card tpl-meta">
          <TextField label={t('messaging.editor.name')} value={draft.name} onChange={(name) => set({ name })} placeholder={t('messaging.editor.namePlaceholder')} issues={nameIssues} testId="template-name" />
          <TextField label={t('messaging.editor.description')} value={draft.description} onChange={(description) => set({ description })} placeholder={t('messaging.editor.descriptionPlaceholder')} issues={issues.get('description')} testId="template-description" />
          <div className="field">
            <span>{t('messaging.editor.channel')}</span>
            {templateId ? (
              <span className="muted">{t(`messaging.channels.${draft.channel}`)}</span>
            ) : (
              <Segmented label={t('messaging.editor.channel')} value={draft.channel} onChange={(channel) => set({ channel, subscriptionGroupId: '' })} testId="template-channel"
                options={CHANNELS.map((c) => ({ value: c, label: t(`messaging.channels.${c}`) }))} />
            )}
          </div>
          <div className="field">
            <span>{t('messaging.editor.kind')}</span>
            <Segmented label={t('messaging.editor.kind')} value={draft.kind} onChange={(kind) => set({ kind })} testId="template-kind"
              options={[{ value: 'marketing', label: t('messaging.kinds.marketing') }, { value: 'transactional', label: t('messaging.kinds.transactional') }]} />
            <span className="field-hint">{t('messaging.editor.kindHint')}</span>
          </div>
          {draft.kind === 'marketing' ? (
            <label className={`field${issues.get('subscriptionGroupId') ? ' has-error' : ''}`}>
              <span>{t('messaging.editor.group')}</span>
              <select value={draft.subscriptionGroupId} onChange={(e) => set({ subscriptionGroupId: e.target.value })} data-testid="template-group">
                <option value="">{t('messaging.editor.noGroup')}</option>
                {channelGroups.map((g) => <option key={g.id} value={g.id}>{g.name}{g.nameZh ? ` · ${g.nameZh}` : ''}</option>)}
              </select>
              <span className="field-hint">{t('messaging.editor.groupHint')}</span>
              <IssueList issues={issues.get('subscriptionGroupId')} />
            </label>
          ) : null}
          <label className="field">
            <span>{t('messaging.editor.defaultLocale')}</span>
            <select value={draft.defaultLocale} onChange={(e) => set({ defaultLocale: e.target.value === 'zh' ? 'zh' : 'en' })} data-testid="template-default-locale">
              {LOCALES.map((l) => <option key={l} value={l}>{t(`messaging.locales.${l}`)}</option>)}
            </select>
            <span className="field-hint">{t('messaging.editor.defaultLocaleHint')}</span>
          </label>
        </section>
        <ContentEditor draft={draft} tab={tab} onTab={setTab} issues={issues} onChange={edit} />
        <IssueList issues={unplaced} testId="template-issues" />
        {saveError && saveIssues.size === 0 ? <InlineError error={saveError} /> : null}
        <div className="editor-actions">
          <button type="button" className="btn btn-primary" onClick={() => void save()} disabled={saving} data-testid="template-save">
            {saving ? <Spinner small /> : null}
            {saving ? t('messaging.editor.saving') : t('messaging.editor.save')}
          </button>
          <Link className="btn" to="/templates">{t('common.cancel')}</Link>
          {templateId ? <button type="button" className="btn btn-ghost btn-danger-text" onClick={() => void remove()} data-testid="template-delete">{t('messaging.editor.delete')}</button> : null}
          {issueCount > 0 ? <span className="text-bad small" data-testid="template-issue-count">{t('messaging.editor.fixIssues', { count: issueCount })}</span> : null}
          {justSaved ? <span className="notice" data-testid="template-saved">{t('messaging.editor.saved')}</span> : null}
          {savedVersion ? <span className="muted small">{t('messaging.editor.version', { version: savedVersion })}</span> : null}
        </div>
      </div>
      <aside className="tpl-side">
        <TemplatePreview preview={preview} profile={profile} onProfile={setProfile} ready={request !== null} invalid={previewIssues.size > 0} />
        <TestSend templateId={templateId} channel={draft.channel} profileId={profile?.id} />
      </aside>
    </div>
  );
}
