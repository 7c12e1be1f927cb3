import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeedbackSettings } from '../../../../src/nlp/feedback.schema';
import { asApiError, type ApiError } from '../../api';
import { useResource } from '../../hooks';
import { useWorkspace } from '../../session';
import { InlineError, LoadingState, Spinner } from '../States';

interface Row {
  event: string;
  paths: string;
  intent: boolean;
}

/** Which events and property paths are read as customer text. */
export function SettingsCard() {
  const { t } = useTranslation();
  const { workspace, api } = useWorkspace();
  const settings = useResource((signal) => api.feedbackSettings(signal), [workspace.id]);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    if (settings.data) setRows(settings.data.sources.map((s) => ({ event: s.event, paths: s.paths.join(', '), intent: s.intent === true })));
  }, [settings.data]);
  const update = (i: number, patch: Partial<Row>) => {
    setSaved(false);
    setRows((r) => (r ? r.map((row, k) => (k === i ? { ...row, ...patch } : row)) : r));
  };
  const save = async () => {
    if (!rows) return;
    setSaving(true);
    setError(undefined);
    try {
      const body: FeedbackSettings = { sources: rows.map((r) => ({ event: r.event.trim(), paths: r.paths.split(',').map((p) => p.trim()).filter((p) => p.length > 0), ...(r.intent ? { intent: true } : {}) })) };
      await api.updateFeedbackSettings(body);
      setSaved(true);
      settings.reload();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <section className="card" data-testid="fb-settings">
      <h3 className="card-title">{t('feedback.settings.title')}</h3>
      <p className="muted small">{t('feedback.settings.hint')}</p>
      {settings.error ? <InlineError error={settings.error} onRetry={settings.reload} /> : null}
      {!rows ? (
        <LoadingState />
      ) : (
        <div className="fb-settings">
          {rows.map((row, i) => (
            <div key={i} className="fb-settings-row" data-testid="fb-source">
              <input className="input" aria-label={t('feedback.settings.event')} placeholder={t('feedback.settings.event')} value={row.event} onChange={(e) => update(i, { event: e.target.value })} data-testid="fb-source-event" />
              <input className="input" aria-label={t('feedback.settings.paths')} placeholder={t('feedback.settings.paths')} value={row.paths} onChange={(e) => update(i, { paths: e.target.value })} data-testid="fb-source-paths" />
              <label className="fb-intent small">
                <input type="checkbox" checked={row.intent} onChange={(e) => update(i, { intent: e.target.checked })} /> {t('feedback.settings.intent')}
              </label>
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => setRows(rows.filter((_, k) => k !== i))}>
                {t('feedback.settings.remove')}
              </button>
            </div>
          ))}
          {error ? <InlineError error={error} /> : null}
          <div className="fb-settings-actions">
            <button type="button" className="btn btn-sm" onClick={() => setRows([...rows, { event: '', paths: 'text', intent: false }])} data-testid="fb-source-add">
              {t('feedback.settings.add')}
            </button>
            <button type="button" className="btn btn-sm btn-primary" onClick={() => void save()} disabled={saving} data-testid="fb-settings-save">
              {saving ? <Spinner small /> : null} {saving ? t('feedback.settings.saving') : t('feedback.settings.save')}
            </button>
            {saved ? <span className="muted small" data-testid="fb-settings-saved">{t('feedback.settings.saved')}</span> : null}
          </div>
        </div>
      )}
    </section>
  );
}

