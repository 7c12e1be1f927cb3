import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api';
import type { ChannelSettingsView, SettingsKind } from '../../messaging.endpoints';
import { useFormat } from '../../format';
import { useAction, useNow, useResource } from '../../hooks';
import { useWorkspace } from '../../session';
import { CopyButton } from '../Controls';
import { ErrorState, InlineError, LoadingState, Spinner } from '../States';
import { TextField } from './Fields';
import type { FieldIssue } from './issues';

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** A settings error by field name (`settings.host` → `host`). */
function settingsIssues(error: ApiError | undefined): Map<string, FieldIssue[]> {
  const out = new Map<string, FieldIssue[]>();
  if (error?.status === 400 && error.field) out.set(error.field.replace(/^(body\.)?settings\./, ''), [{ code: error.code, message: error.message }]);
  return out;
}

interface FormProps {
  view: ChannelSettingsView;
  canEdit: boolean;
  onSaved: () => void;
}

function Card({ title, view, testId, children }: { title: string; view: ChannelSettingsView; testId: string; children: ReactNode }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useNow();
  return (
    <section className="card" data-testid={testId}>
      <div className="row-between card-title">
        <h3>{title}</h3>
        <span className={`badge ${view.configured ? 'badge-ok' : 'badge-muted'}`} data-testid={`${testId}-state`}>
          {view.configured ? t('messaging.settings.configured') : t('messaging.settings.notConfigured')}
        </span>
      </div>
      {view.updatedAt ? <p className="muted small">{t('messaging.settings.updated', { time: fmt.relative(view.updatedAt, now) })}</p> : null}
      {children}
    </section>
  );
}

/** Save and remove for one kind, with the error kept by field. */
function useSaver(kind: SettingsKind, onSaved: () => void) {
  const { api } = useWorkspace();
  const { busy, error, run: start } = useAction();
  const [saved, setSaved] = useState(false);
  const run = (action: () => Promise<unknown>) => {
    setSaved(false);
    return start(async () => {
      await action();
      setSaved(true);
      onSaved();
    });
  };
  return {
    busy,
    error,
    saved,
    issues: settingsIssues(error),
    save: (body: Record<string, unknown>) => run(() => api.putChannelSettings(kind, body)),
    remove: () => run(() => api.deleteChannelSettings(kind)),
  };
}

function Actions({ saver, view, canEdit }: { saver: ReturnType<typeof useSaver>; view: ChannelSettingsView; canEdit: boolean }) {
  const { t } = useTranslation();
  if (!canEdit) return <p className="muted small">{t('messaging.settings.adminOnly')}</p>;
  return (
    <>
      {saver.error && saver.issues.size === 0 ? <InlineError error={saver.error} /> : null}
      <div className="editor-actions">
        <button type="submit" className="btn btn-primary" disabled={saver.busy}>
          {saver.busy ? <Spinner small /> : null} {saver.busy ? t('messaging.settings.saving') : t('messaging.settings.save')}
        </button>
        {view.configured ? (
          <button type="button" className="btn btn-ghost btn-danger-text" disabled={saver.busy} onClick={() => { if (window.confirm(t('messaging.settings.confirmRemove'))) void saver.remove(); }}>
            {t('messaging.settings.remove')}
          </button>
        ) : null}
        {saver.saved ? <span className="notice">{t('messaging.settings.saved')}</span> : null}
      </div>
    </>
  );
}

function EmailForm({ view, canEdit, onSaved }: FormProps) {
  const { t } = useTranslation();
  const s = view.settings ?? {};
  const [host, setHost] = useState(str(s.host));
  const [port, setPort] = useState(str(s.port) || '587');
  const [secure, setSecure] = useState(s.secure === true);
  const [user, setUser] = useState(str(s.user));
  const [pass, setPass] = useState('');
  const [from, setFrom] = useState(str(s.from));
  const [replyTo, setReplyTo] = useState(str(s.replyTo));
  const saver = useSaver('email', onSaved);
  const hasPass = s.pass !== undefined;
  const submit = () => {
    // Fields this form does not show (DKIM, timeouts) are sent back as read; masked secrets are kept by the server.
    const body: Record<string, unknown> = { ...s, host: host.trim(), port: Number(port), secure, from: from.trim() };
    for (const [k, v] of [['user', user.trim()], ['replyTo', replyTo.trim()]] as const) {
      if (v) body[k] = v;
      else delete body[k];
    }
    if (pass) body.pass = pass;
    if (!user.trim()) delete body.pass;
    void saver.save(body);
    setPass('');
  };
  const i = saver.issues;
  return (
    <Card title={t('messaging.settings.email.title')} view={view} testId="channel-email">
      <form className="channel-form" onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <fieldset disabled={!canEdit} className="channel-form bare-fieldset">
          <div className="two">
            <TextField label={t('messaging.settings.email.host')} value={host} onChange={setHost} placeholder="smtp.example.com" issues={i.get('host')} testId="smtp-host" />
            <TextField label={t('messaging.settings.email.port')} value={port} onChange={setPort} type="number" issues={i.get('port')} testId="smtp-port" />
          </div>
          <label className="check"><input type="checkbox" checked={secure} onChange={(e) => setSecure(e.target.checked)} data-testid="smtp-secure" /> {t('messaging.settings.email.secure')}</label>
          <div className="two two-even">
            <TextField label={t('messaging.settings.email.user')} value={user} onChange={setUser} issues={i.get('user')} testId="smtp-user" />
            <TextField label={t('messaging.settings.email.pass')} value={pass} onChange={setPass} type="password" placeholder={hasPass ? t('messaging.settings.secretKept') : undefined} issues={i.get('pass')} testId="smtp-pass" />
          </div>
          <TextField label={t('messaging.settings.email.from')} value={from} onChange={setFrom} placeholder={t('messaging.settings.email.fromPlaceholder')} issues={i.get('from')} testId="smtp-from" />
          <TextField label={t('messaging.settings.email.replyTo')} value={replyTo} onChange={setReplyTo} issues={i.get('replyTo')} testId="smtp-reply-to" />
        </fieldset>
        <Actions saver={saver} view={view} canEdit={canEdit} />
      </form>
    </Card>
  );
}

function SmsForm({ view, canEdit, onSaved }: FormProps) {
  const { t } = useTranslation();
  const s = view.settings ?? {};
  const [baseUrl, setBaseUrl] = useState(str(s.baseUrl) || 'https://api.twilio.com');
  const [accountSid, setAccountSid] = useState(str(s.accountSid));
  const [authToken, setAuthToken] = useState('');
  const [from, setFrom] = useState(str(s.from));
  const saver = useSaver('sms', onSaved);
  const submit = () => {
    const body: Record<string, unknown> = { ...s, baseUrl: baseUrl.trim(), accountSid: accountSid.trim(), from: from.trim() };
    if (authToken) body.authToken = authToken;
    void saver.save(body);
    setAuthToken('');
  };
  const i = saver.issues;
  return (
    <Card title={t('messaging.settings.sms.title')} view={view} testId="channel-sms">
      <form className="channel-form" onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <fieldset disabled={!canEdit} className="channel-form bare-fieldset">
          <TextField label={t('messaging.settings.sms.baseUrl')} value={baseUrl} onChange={setBaseUrl} issues={i.get('baseUrl')} testId="sms-base-url" />
          <TextField label={t('messaging.settings.sms.accountSid')} value={accountSid} onChange={setAccountSid} issues={i.get('accountSid')} testId="sms-sid" />
          <TextField label={t('messaging.settings.sms.authToken')} value={authToken} onChange={setAuthToken} type="password" placeholder={s.authToken !== undefined ? t('messaging.settings.secretKept') : undefined} issues={i.get('authToken')} testId="sms-token" />
          <TextField label={t('messaging.settings.sms.from')} value={from} onChange={setFrom} placeholder={t('messaging.settings.sms.fromPlaceholder')} issues={i.get('from')} testId="sms-from" />
        </fieldset>
        <Actions saver={saver} view={view} canEdit={canEdit} />
      </form>
    </Card>
  );
}

function WebhookSigning({ view, canEdit, onSaved }: FormProps) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const [secret, setSecret] = useState<string>();
  const { busy, error, run } = useAction();
  const rotate = async () => {
    if (view.configured && !window.confirm(t('messaging.settings.webhook.confirmRotate'))) return;
    await run(async () => {
      setSecret((await api.rotateSecret('webhook')).secret);
      onSaved();
    });
  };
  return (
    <Card title={t('messaging.settings.webhook.title')} view={view} testId="channel-webhook">
      <div className="channel-form">
        <p className="muted small">{t('messaging.settings.webhook.hint')}</p>
        {secret ? (
          <div className="secret-box" data-testid="webhook-secret">
            <strong className="small">{t('messaging.settings.webhook.shownOnce')}</strong>
            <div className="key-cell"><code className="key-value">{secret}</code><CopyButton value={secret} /></div>
          </div>
        ) : null}
        {error ? <InlineError error={error} /> : null}
        {canEdit ? (
          <button type="button" className="btn add-row" disabled={busy} onClick={() => void rotate()} data-testid="webhook-rotate">
            {busy ? <Spinner small /> : null} {busy ? t('messaging.settings.webhook.rotating') : t('messaging.settings.webhook.rotate')}
          </button>
        ) : (
          <p className="muted small">{t('messaging.settings.adminOnly')}</p>
        )}
      </div>
    </Card>
  );
}

/** Settings → Channels: SMTP, the SMS provider and the webhook signing secret (secrets write-only). */
export function ChannelSettings() {
  const { t } = useTranslation();
  const { workspace, api } = useWorkspace();
  const list = useResource((signal) => api.channelSettings(signal), [workspace.id]);
  const canEdit = workspace.role === 'admin';
  const view = (kind: SettingsKind): ChannelSettingsView => list.data?.items.find((v) => v.kind === kind) ?? { kind, configured: false, settings: null, updatedAt: null };
  return (
    <section className="consent-stack" data-testid="settings-channels">
      <div>
        <h2>{t('messaging.settings.title')}</h2>
        <p className="muted">{t('messaging.settings.hint')}</p>
      </div>
      {!list.data ? (
        list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : <LoadingState />
      ) : (
        // Keyed by whether settings exist, so removing them empties the form while a save keeps what was typed.
        <div className="channel-grid">
          <EmailForm key={`email-${String(view('email').configured)}`} view={view('email')} canEdit={canEdit} onSaved={list.reload} />
          <SmsForm key={`sms-${String(view('sms').configured)}`} view={view('sms')} canEdit={canEdit} onSaved={list.reload} />
          <WebhookSigning view={view('webhook')} canEdit={canEdit} onSaved={list.reload} />
        </div>
      )}
    </section>
  );
}
