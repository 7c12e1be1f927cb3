import { useTranslation } from 'react-i18next';
import type { RenderedPreview } from '../../../../src/messaging/template.api.schema';
import { assertUnreachable } from '../segments/definition';
import { InlineError, Spinner } from '../States';
import { ProfilePicker, type PickedProfile } from './ProfilePicker';
import type { TemplatePreviewState } from './useTemplatePreview';

/** JSON pretty-printed when it parses, as is when it does not. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function Rendered({ preview }: { preview: RenderedPreview }) {
  const { t } = useTranslation();
  switch (preview.channel) {
    case 'email':
      return (
        <div className="tpl-preview" data-testid="preview-email">
          <div>
            <div className="mail-head">
              <span className="muted small">{t('messaging.preview.subject')}</span>
              <span className="mail-subject" data-testid="preview-subject">{preview.subject}</span>
              {preview.preheader ? <span className="muted small" data-testid="preview-preheader">{preview.preheader}</span> : null}
            </div>
            {/* An empty sandbox: the HTML may not run scripts, submit forms or reach the dashboard. */}
            <iframe className="mail-frame" title={t('messaging.preview.iframeTitle')} sandbox="" srcDoc={preview.html} data-testid="preview-frame" />
          </div>
          <div>
            <h4 className="preview-sample-title">{t('messaging.preview.textPart')}</h4>
            <pre className="text-part" data-testid="preview-text">{preview.text}</pre>
          </div>
        </div>
      );
    case 'sms':
      return (
        <div className="tpl-preview" data-testid="preview-sms">
          <div className="phone">
            <div className="sms-bubble" data-testid="preview-sms-text">{preview.text}</div>
          </div>
          <span className="muted small">{t('messaging.preview.segments', { encoding: preview.encoding, segments: preview.segments })}</span>
        </div>
      );
    case 'webhook':
      return (
        <div className="tpl-preview" data-testid="preview-webhook">
          <div className="webhook-line">
            <span className="method">{preview.method}</span>
            <code>{preview.url}</code>
          </div>
          {Object.keys(preview.headers).length > 0 ? (
            <pre className="text-part">{Object.entries(preview.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>
          ) : null}
          <pre className="text-part" data-testid="preview-webhook-body">{pretty(preview.body)}</pre>
        </div>
      );
    default:
      return assertUnreachable(preview);
  }
}

/** The side panel: who the draft renders as, and what they would receive. */
export function TemplatePreview({
  preview,
  profile,
  onProfile,
  ready,
  invalid,
}: {
  preview: TemplatePreviewState;
  profile: PickedProfile | null;
  onProfile: (p: PickedProfile | null) => void;
  /** False while the chosen language has no content yet. */
  ready: boolean;
  /** The preview's own error points at a field (it is shown there instead). */
  invalid: boolean;
}) {
  const { t } = useTranslation();
  const { data, error, pending } = preview;
  return (
    <section className="card tpl-preview" data-testid="template-preview" aria-live="polite">
      <header className="row-between">
        <h3>{t('messaging.preview.title')}</h3>
        {pending ? <Spinner small /> : null}
      </header>
      <div className="field">
        <span>{t('messaging.preview.as')}</span>
        <ProfilePicker value={profile} onChange={onProfile} />
      </div>
      {error && !invalid ? <InlineError error={error} /> : null}
      {!ready ? (
        <p className="muted small">{t('messaging.preview.waiting')}</p>
      ) : data ? (
        <div className={pending || invalid ? 'is-stale' : undefined}>
          <p className="muted small">{t('messaging.preview.locale', { language: t(`messaging.locales.${data.locale}`) })}</p>
          <Rendered preview={data} />
        </div>
      ) : null}
    </section>
  );
}
