import { useTranslation } from 'react-i18next';
import type { Locale } from '../../../../src/messaging/template.schema';
import { Icon } from '../Icon';
import { METHODS, type EmailDraft, type Method, type SmsDraft, type WebhookDraft } from './draft';
import { IssueList, TextField } from './Fields';
import type { FieldIssue } from './issues';
import { countSms } from './sms';

type Issues = Map<string, FieldIssue[]>;

interface Props<T> {
  locale: Locale;
  value: T;
  onChange: (value: T) => void;
  issues: Issues;
}

export function EmailFields({ locale, value, onChange, issues }: Props<EmailDraft>) {
  const { t } = useTranslation();
  const set = (patch: Partial<EmailDraft>) => onChange({ ...value, ...patch });
  const at = (field: string) => issues.get(`${locale}.${field}`);
  return (
    <div className="content-fields">
      <TextField label={t('messaging.editor.email.subject')} value={value.subject} onChange={(subject) => set({ subject })} issues={at('subject')} testId="email-subject" />
      <TextField label={t('messaging.editor.email.preheader')} value={value.preheader} onChange={(preheader) => set({ preheader })} hint={t('messaging.editor.email.preheaderHint')} issues={at('preheader')} testId="email-preheader" />
      <TextField label={t('messaging.editor.email.html')} value={value.html} onChange={(html) => set({ html })} rows={12} code issues={at('html')} testId="email-html" />
      <TextField label={t('messaging.editor.email.text')} value={value.text} onChange={(text) => set({ text })} rows={4} hint={t('messaging.editor.email.textHint')} issues={at('text')} testId="email-text" />
    </div>
  );
}

export function SmsFields({ locale, value, onChange, issues }: Props<SmsDraft>) {
  const { t } = useTranslation();
  const count = countSms(value.text);
  const counter = (
    <div className="sms-count" data-testid="sms-count" data-encoding={count.encoding} data-segments={count.segments}>
      <strong>
        {count.segments === 1
          ? t('messaging.editor.sms.countOne', { chars: count.chars, encoding: count.encoding })
          : t('messaging.editor.sms.count', { chars: count.chars, encoding: count.encoding, segments: count.segments })}
      </strong>
      {count.encoding === 'UCS-2' ? <span>{t('messaging.editor.sms.ucsHint')}</span> : null}
    </div>
  );
  return (
    <div className="content-fields">
      <TextField
        label={t('messaging.editor.sms.text')}
        value={value.text}
        onChange={(text) => onChange({ text })}
        rows={5}
        issues={issues.get(`${locale}.text`)}
        hint={t('messaging.editor.sms.liquidHint')}
        testId="sms-text"
        after={counter}
      />
    </div>
  );
}

function jsonProblem(body: string): boolean {
  if (body.trim() === '') return false;
  try {
    JSON.parse(body);
    return false;
  } catch {
    // Liquid outside strings (`{{ x }}` as a number) is legal; only flag text that still fails with tags blanked.
    try {
      JSON.parse(body.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, '0'));
      return false;
    } catch {
      return true;
    }
  }
}

export function WebhookFields({ locale, value, onChange, issues }: Props<WebhookDraft>) {
  const { t } = useTranslation();
  const set = (patch: Partial<WebhookDraft>) => onChange({ ...value, ...patch });
  const at = (field: string) => issues.get(`${locale}.${field}`);
  const setHeader = (i: number, patch: Partial<WebhookDraft['headers'][number]>) =>
    set({ headers: value.headers.map((h, j) => (j === i ? { ...h, ...patch } : h)) });
  return (
    <div className="content-fields">
      <div className="form-row">
        <label className="field">
          <span>{t('messaging.editor.webhook.method')}</span>
          <select value={value.method} onChange={(e) => set({ method: METHODS.find((m) => m === e.target.value) ?? 'POST' })} data-testid="webhook-method">
            {METHODS.map((m: Method) => <option key={m} value={m}>{m}</option>)}
          </select>
        </label>
        <div className="field-grow">
          <TextField label={t('messaging.editor.webhook.url')} value={value.url} onChange={(url) => set({ url })} code placeholder="https://example.com/hooks/nudge" issues={at('url')} testId="webhook-url" />
        </div>
      </div>
      <div className="field">
        <span>{t('messaging.editor.webhook.headers')}</span>
        <div className="header-rows">
          {value.headers.map((h, i) => (
            <div className="header-row" key={i}>
              <input className="input code-input" value={h.name} placeholder={t('messaging.editor.webhook.headerName')} aria-label={t('messaging.editor.webhook.headerName')} onChange={(e) => setHeader(i, { name: e.target.value })} />
              <input className="input code-input" value={h.value} placeholder={t('messaging.editor.webhook.headerValue')} aria-label={t('messaging.editor.webhook.headerValue')} onChange={(e) => setHeader(i, { value: e.target.value })} />
              <button type="button" className="btn btn-ghost icon-btn" aria-label={t('messaging.editor.webhook.removeHeader')} onClick={() => set({ headers: value.headers.filter((_, j) => j !== i) })}>
                <Icon name="close" size={14} />
              </button>
            </div>
          ))}
          <button type="button" className="btn btn-sm add-row" onClick={() => set({ headers: [...value.headers, { name: '', value: '' }] })} data-testid="webhook-add-header">
            <span className="plus" aria-hidden="true">+</span> {t('messaging.editor.webhook.addHeader')}
          </button>
        </div>
        <IssueList issues={at('headers')} />
      </div>
      <TextField
        label={t('messaging.editor.webhook.body')}
        value={value.body}
        onChange={(body) => set({ body })}
        rows={10}
        code
        placeholder={'{\n  "email": "{{ profile.email }}"\n}'}
        issues={at('body')}
        hint={jsonProblem(value.body) ? t('messaging.editor.webhook.notJson') : undefined}
        testId="webhook-body"
      />
    </div>
  );
}
