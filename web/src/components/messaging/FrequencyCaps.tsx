import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FrequencyCap } from '../../../../src/messaging/consent.schema';
import type { Channel } from '../../../../src/messaging/template.schema';
import { useAction, useResource } from '../../hooks';
import { useWorkspace } from '../../session';
import { ErrorState, InlineError, LoadingState, Spinner } from '../States';
import { ChannelBadge } from './Badges';
import { CHANNELS } from './draft';

/** One channel's cap: "at most N in D days", saved or removed on its own. */
function CapRow({ channel, cap, canEdit, onChanged }: { channel: Channel; cap: FrequencyCap | undefined; canEdit: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const [max, setMax] = useState(String(cap?.maxMessages ?? 3));
  const [days, setDays] = useState(String(cap?.windowDays ?? 7));
  const { busy, error, run: start } = useAction();
  const run = (action: () => Promise<unknown>) => start(async () => {
    await action();
    onChanged();
  });
  return (
    <tr data-testid={`cap-${channel}`}>
      <td><ChannelBadge channel={channel} /></td>
      <td>{cap ? t('messaging.caps.rule', { max: cap.maxMessages, days: cap.windowDays }) : <span className="muted">{t('messaging.caps.none')}</span>}</td>
      <td>
        {canEdit ? (
          <form className="form-row" onSubmit={(e) => { e.preventDefault(); void run(() => api.putFrequencyCap(channel, { maxMessages: Number(max), windowDays: Number(days) })); }}>
            <label className="field">
              <span>{t('messaging.caps.maxMessages')}</span>
              <input type="number" min={1} max={1000} value={max} onChange={(e) => setMax(e.target.value)} data-testid={`cap-${channel}-max`} />
            </label>
            <label className="field">
              <span>{t('messaging.caps.windowDays')}</span>
              <input type="number" min={1} max={365} value={days} onChange={(e) => setDays(e.target.value)} data-testid={`cap-${channel}-days`} />
            </label>
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid={`cap-${channel}-save`}>
              {busy ? <Spinner small /> : null} {t('messaging.caps.save')}
            </button>
            {cap ? (
              <button type="button" className="btn" disabled={busy} onClick={() => void run(() => api.deleteFrequencyCap(channel))} data-testid={`cap-${channel}-remove`}>
                {t('messaging.caps.remove')}
              </button>
            ) : null}
          </form>
        ) : null}
        {error ? <InlineError error={error} /> : null}
      </td>
    </tr>
  );
}

/** Per-customer frequency caps on marketing messages, per channel (consent.service enforces them on every send). */
export function FrequencyCaps() {
  const { t } = useTranslation();
  const { workspace, api } = useWorkspace();
  const caps = useResource((signal) => api.frequencyCaps(signal), [workspace.id]);
  const canEdit = workspace.role === 'admin' || workspace.role === 'member';
  if (caps.error) return <ErrorState error={caps.error} onRetry={caps.reload} />;
  if (!caps.data) return <LoadingState />;
  const byChannel = new Map(caps.data.items.map((c) => [c.channel, c]));
  return (
    <section className="card" data-testid="frequency-caps">
      <p className="muted">{t('messaging.caps.intro')}</p>
      <table className="table">
        <thead>
          <tr>
            <th>{t('messaging.caps.channel')}</th>
            <th />
            <th />
          </tr>
        </thead>
        <tbody>
          {CHANNELS.map((c) => (
            <CapRow key={`${c}:${byChannel.get(c)?.maxMessages ?? 0}:${byChannel.get(c)?.windowDays ?? 0}`} channel={c} cap={byChannel.get(c)} canEdit={canEdit} onChanged={caps.reload} />
          ))}
        </tbody>
      </table>
    </section>
  );
}
