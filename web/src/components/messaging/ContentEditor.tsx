import { useTranslation } from 'react-i18next';
import type { Locale } from '../../../../src/messaging/template.schema';
import { EmailFields, SmsFields, WebhookFields } from './ContentFields';
import { LOCALES, isFilled, type ContentDrafts, type TemplateDraft } from './draft';
import type { FieldIssue } from './issues';

/** The keys of `next` whose values differ from `prev`, as `<locale>.<key>` editor keys. */
function changed(locale: Locale, prev: object, next: object): string[] {
  const before = new Map(Object.entries(prev));
  return Object.entries(next)
    .filter(([k, v]) => JSON.stringify(before.get(k)) !== JSON.stringify(v))
    .map(([k]) => `${locale}.${k}`);
}

/** The content card: one tab per language, the channel's fields inside. */
export function ContentEditor({
  draft,
  tab,
  onTab,
  issues,
  onChange,
}: {
  draft: TemplateDraft;
  tab: Locale;
  onTab: (locale: Locale) => void;
  issues: Map<string, FieldIssue[]>;
  onChange: (next: TemplateDraft, touched: string[]) => void;
}) {
  const { t } = useTranslation();
  const setContent = <C extends keyof ContentDrafts>(channel: C, value: ContentDrafts[C][Locale]) => {
    const prev = draft.content[channel][tab];
    const content: ContentDrafts = { ...draft.content, [channel]: { ...draft.content[channel], [tab]: value } };
    onChange({ ...draft, content }, changed(tab, prev, value));
  };
  const hasError = (l: Locale) => [...issues.keys()].some((k) => k === l || k.startsWith(`${l}.`));
  return (
    <section className="card" data-testid="template-content">
      <h3 className="card-title">{t('messaging.editor.content')}</h3>
      <div className="lang-tabs" role="tablist" aria-label={t('messaging.editor.language')}>
        {LOCALES.map((l) => {
          const filled = isFilled(draft, l);
          return (
            <button
              key={l}
              type="button"
              role="tab"
              aria-selected={tab === l}
              className={`lang-tab${tab === l ? ' is-active' : ''}${filled ? ' is-filled' : ''}${hasError(l) ? ' has-error' : ''}`}
              onClick={() => onTab(l)}
              title={filled ? t('messaging.editor.filled') : t('messaging.editor.notFilled')}
              data-testid={`content-tab-${l}`}
            >
              <span className="dot" aria-hidden="true" />
              {t(`messaging.locales.${l}`)}
            </button>
          );
        })}
      </div>
      {draft.channel === 'email' ? (
        <EmailFields key={`email-${tab}`} locale={tab} value={draft.content.email[tab]} onChange={(v) => setContent('email', v)} issues={issues} />
      ) : draft.channel === 'sms' ? (
        <SmsFields key={`sms-${tab}`} locale={tab} value={draft.content.sms[tab]} onChange={(v) => setContent('sms', v)} issues={issues} />
      ) : (
        <WebhookFields key={`webhook-${tab}`} locale={tab} value={draft.content.webhook[tab]} onChange={(v) => setContent('webhook', v)} issues={issues} />
      )}
      {issues.has('content') ? <p className="field-error">{t('messaging.editor.needOneLanguage')}</p> : null}
    </section>
  );
}
