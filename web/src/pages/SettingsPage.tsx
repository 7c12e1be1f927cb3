import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiKeyInfo, WorkspaceView } from '../../../src/platform/platform.schema';
import { CopyButton, PageHeader, Segmented } from '../components/Controls';
import { DemoBadge, LanguageSwitcher } from '../components/Header';
import { Icon } from '../components/Icon';
import { ChannelSettings } from '../components/messaging/ChannelSettings';
import { ErrorState, InlineError, LoadingState, Spinner } from '../components/States';
import { useFormat } from '../format';
import { useAction, useNow, useResource } from '../hooks';
import { useSession, useWorkspace } from '../session';
import '../segments.css';
import '../messaging.css';

function curlSnippet(origin: string, writeKey: string): string {
  return [
    `curl -X POST ${origin}/v1/track \\`,
    `  -u '${writeKey}:' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '{"userId":"u_1001","event":"Order Completed","properties":{"revenue":199,"currency":"CNY"}}'`,
  ].join('\n');
}

function nodeSnippet(origin: string, writeKey: string): string {
  return [
    `// npm install @segment/analytics-node`,
    `import { Analytics } from '@segment/analytics-node';`,
    ``,
    `const analytics = new Analytics({ writeKey: '${writeKey}', host: '${origin}' });`,
    ``,
    `analytics.identify({ userId: 'u_1001', traits: { email: 'li.na@example.com', name: '李娜' } });`,
    `analytics.track({ userId: 'u_1001', event: 'Order Completed', properties: { revenue: 199, currency: 'CNY' } });`,
    `await analytics.closeAndFlush();`,
  ].join('\n');
}

/** Every zone the browser knows, UTC first (the Intl list leaves it out). */
function timeZones(): string[] {
  const listed = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...listed.filter((z) => z !== 'UTC')];
}

type Choosable = 'timezone' | 'defaultSendHour' | 'sandbox';

/**
 * A workspace setting picked from a list (its time zone, its default send hour): admins change
 * and save it; others read it. `options` are the choices, the stored value first when it is not one.
 */
function WorkspaceChoice<K extends Choosable>({ canEdit, field, options, label, hint, testId, onSaved }: { canEdit: boolean; field: K; options: readonly { value: WorkspaceView[K]; label: string }[]; label: string; hint: string; testId: string; onSaved?: () => void }) {
  const { t } = useTranslation();
  const { workspace, api } = useWorkspace();
  const info = useResource((signal) => api.workspaceInfo(signal), [workspace.id]);
  const [choice, setChoice] = useState<WorkspaceView[K]>();
  // What the server holds since this page saved it (the loaded info is not read again).
  const [stored, setStored] = useState<WorkspaceView[K]>();
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  if (info.error && !info.data) return <InlineError error={info.error} onRetry={info.reload} />;
  if (!info.data) return <Spinner small />;
  const base = stored ?? info.data[field];
  const current = choice ?? base;
  const labelOf = (v: WorkspaceView[K]) => options.find((o) => o.value === v)?.label ?? String(v);
  if (!canEdit) return <span data-testid={testId}>{labelOf(base)}</span>;
  const save = async () => {
    setSaved(false);
    await run(async () => {
      const updated = await api.updateWorkspace({ [field]: current });
      setStored(updated[field]);
      setChoice(undefined);
      setSaved(true);
      onSaved?.();
    });
  };
  const listed = options.some((o) => o.value === current) ? options : [{ value: current, label: String(current) }, ...options];
  return (
    <div className="tz-setting">
      <div className="row-gap">
        <select
          value={String(current)}
          onChange={(e) => {
            const picked = listed.find((o) => String(o.value) === e.target.value);
            if (picked) setChoice(picked.value);
            setSaved(false);
          }}
          aria-label={label}
          data-testid={testId}
        >
          {listed.map((o) => <option key={String(o.value)} value={String(o.value)}>{o.label}</option>)}
        </select>
        <button type="button" className="btn btn-sm" disabled={busy || current === base} onClick={() => void save()} data-testid={`${testId}-save`}>
          {busy ? <Spinner small /> : null} {t('settings.workspace.save')}
        </button>
        {saved ? <span className="muted small" data-testid={`${testId}-saved`}><Icon name="check" size={14} /> {t('settings.workspace.saved')}</span> : null}
      </div>
      <p className="muted small">{hint}</p>
      {error ? <InlineError error={error} /> : null}
    </div>
  );
}

/** The 24 whole hours, written as times of day (09:00) in both languages. */
const hourOptions = Array.from({ length: 24 }, (_, h) => ({ value: h, label: `${String(h).padStart(2, '0')}:00` }));

function Snippet({ writeKey }: { writeKey: string | undefined }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<'curl' | 'node'>('curl');
  const origin = window.location.origin;
  const code = writeKey ? (tab === 'curl' ? curlSnippet(origin, writeKey) : nodeSnippet(origin, writeKey)) : '';
  return (
    <section className="card" data-testid="settings-snippet">
      <div className="row-between">
        <h3 className="card-title">{t('settings.snippet.title')}</h3>
        <Segmented label={t('settings.snippet.title')} value={tab} onChange={setTab} testId="snippet-tab"
          options={[{ value: 'curl', label: 'curl' }, { value: 'node', label: 'Node.js' }]} />
      </div>
      <p className="muted">{t('settings.snippet.hint')}</p>
      {writeKey ? (
        <div className="code-block">
          <pre className="code" data-testid="snippet-code">{code}</pre>
          <CopyButton value={code} />
        </div>
      ) : (
        <p className="muted">{t('settings.snippet.noWriteKey')}</p>
      )}
    </section>
  );
}

function KeyRow({ k, canReveal }: { k: ApiKeyInfo; canReveal: boolean }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useNow();
  const { api } = useWorkspace();
  const [revealed, setRevealed] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const reveal = () => run(async () => setRevealed((await api.revealKey(k.id)).key));
  const shown = revealed ?? k.key;
  const copyable = k.kind === 'write' || revealed !== null;
  return (
    <tr data-testid="key-row">
      <td>
        <div className="who-text">
          <strong>{k.name}</strong>
          <span className={`badge ${k.kind === 'write' ? 'badge-ok' : 'badge-warn'}`}>{t(`settings.keys.kinds.${k.kind}`)}</span>
        </div>
      </td>
      <td>
        <div className="key-cell">
          <code className="key-value" data-testid="key-value">{shown}</code>
          {copyable ? <CopyButton value={shown} testId="key-copy" /> : null}
          {k.kind === 'secret' ? (
            revealed ? (
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => setRevealed(null)}>{t('settings.keys.hide')}</button>
            ) : (
              <button type="button" className="btn btn-ghost btn-sm" disabled={!canReveal || busy} onClick={() => void reveal()}
                title={canReveal ? undefined : t('settings.keys.adminOnly')} data-testid="key-reveal">
                {busy ? <Spinner small /> : <Icon name="eye" size={14} />} {t('settings.keys.reveal')}
              </button>
            )
          ) : null}
        </div>
        {error ? <InlineError error={error} /> : null}
      </td>
      <td className="hide-sm" title={fmt.dateTime(k.createdAt)}>{fmt.date(k.createdAt)}</td>
      <td className="hide-sm">{k.lastUsedAt ? fmt.relative(k.lastUsedAt, now) : <span className="muted">{t('settings.keys.never')}</span>}</td>
    </tr>
  );
}

/** Settings: the workspace, its API keys (copy, reveal) and a ready-to-paste first event. */
export default function SettingsPage() {
  const { t } = useTranslation();
  const { me, refresh } = useSession();
  const { workspace, api } = useWorkspace();
  const keys = useResource((signal) => api.keys(signal), [workspace.id]);
  const writeKey = keys.data?.items.find((k) => k.kind === 'write')?.key;
  const isAdmin = workspace.role === 'admin';
  const zoneOptions = timeZones().map((z) => ({ value: z, label: z }));

  return (
    <div className="page" data-testid="settings-page">
      <PageHeader title={t('settings.title')} subtitle={t('settings.subtitle')} />
      <div className="settings-grid">
        <section className="card" data-testid="settings-workspace">
          <h3 className="card-title">{t('settings.workspace.title')} {workspace.isDemo ? <DemoBadge /> : null}</h3>
          <dl className="dl">
            <dt>{t('settings.workspace.name')}</dt>
            <dd>{workspace.name}</dd>
            <dt>{t('settings.workspace.id')}</dt>
            <dd className="key-cell"><code data-testid="workspace-id">{workspace.id}</code><CopyButton value={workspace.id} label="" /></dd>
            <dt>{t('settings.workspace.slug')}</dt>
            <dd><code>{workspace.slug}</code></dd>
            <dt>{t('settings.workspace.role')}</dt>
            <dd>{t(`workspace.roles.${workspace.role}`)}</dd>
            <dt>{t('settings.workspace.timezone')}</dt>
            <dd>
              <WorkspaceChoice canEdit={isAdmin} field="timezone" options={zoneOptions} label={t('settings.workspace.timezone')} hint={t('settings.workspace.timezoneHint')} testId="workspace-timezone" />
            </dd>
            <dt>{t('settings.workspace.sendHour')}</dt>
            <dd>
              <WorkspaceChoice canEdit={isAdmin} field="defaultSendHour" options={hourOptions} label={t('settings.workspace.sendHour')} hint={t('settings.workspace.sendHourHint')} testId="workspace-send-hour" />
            </dd>
            <dt>{t('settings.workspace.sandbox')}</dt>
            <dd>
              <WorkspaceChoice
                canEdit={isAdmin}
                field="sandbox"
                options={[{ value: false, label: t('settings.workspace.sandboxOff') }, { value: true, label: t('settings.workspace.sandboxOn') }]}
                label={t('settings.workspace.sandbox')}
                hint={t('settings.workspace.sandboxHint')}
                testId="workspace-sandbox"
                onSaved={refresh}
              />
            </dd>
          </dl>
        </section>
        <section className="card">
          <h3 className="card-title">{t('settings.account.title')}</h3>
          <dl className="dl">
            <dt>{t('auth.signedInAs')}</dt>
            <dd>{me?.user.name} <span className="muted">{me?.user.email}</span></dd>
            <dt>{t('settings.account.language')}</dt>
            <dd><LanguageSwitcher testId="settings-lang" /></dd>
          </dl>
        </section>
      </div>
      <section className="card" data-testid="settings-keys">
        <h3 className="card-title">{t('settings.keys.title')}</h3>
        <p className="muted">{t('settings.keys.hint')}</p>
        {keys.error && !keys.data ? (
          <ErrorState error={keys.error} onRetry={keys.reload} />
        ) : !keys.data ? (
          <LoadingState />
        ) : keys.data.items.length === 0 ? (
          <p className="muted">{t('settings.keys.empty')}</p>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>{t('settings.keys.name')}</th>
                  <th>{t('settings.keys.key')}</th>
                  <th className="hide-sm">{t('settings.keys.created')}</th>
                  <th className="hide-sm">{t('settings.keys.lastUsed')}</th>
                </tr>
              </thead>
              <tbody>
                {keys.data.items.map((k) => <KeyRow key={k.id} k={k} canReveal={isAdmin} />)}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {keys.data ? <Snippet writeKey={writeKey} /> : null}
      {workspace.role === 'viewer' ? null : <ChannelSettings />}
    </div>
  );
}
