import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Suppression, SuppressionReason } from '../../../../src/messaging/consent.schema';
import { useFormat } from '../../format';
import { useAction, useDebounced, useResource } from '../../hooks';
import { useWorkspace } from '../../session';
import { Pager, SearchInput } from '../Controls';
import { ErrorState, InlineError, LoadingState, Spinner } from '../States';
import { ChannelBadge } from './Badges';
import { TextField } from './Fields';
import { issuesByField } from './issues';

const PAGE_SIZE = 50;
const REASONS: readonly SuppressionReason[] = ['manual', 'hard_bounce', 'complaint', 'unsubscribe'];
type AddressChannel = 'email' | 'sms';

function AddForm({ onAdded }: { onAdded: () => void }) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const [channel, setChannel] = useState<AddressChannel>('email');
  const [address, setAddress] = useState('');
  const [reason, setReason] = useState<SuppressionReason>('manual');
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction();
  const [notice, setNotice] = useState<string>();
  const issues = issuesByField(error);

  const submit = async () => {
    setNotice(undefined);
    const a = address.trim();
    await run(async () => {
      const { added } = await api.addSuppression({ channel, address: a, reason, note: note.trim() || undefined });
      setNotice(added ? t('messaging.suppressions.added', { address: a }) : t('messaging.suppressions.already', { address: a }));
      setAddress('');
      setNote('');
      onAdded();
    });
  };

  return (
    <form className="channel-form" onSubmit={(e) => { e.preventDefault(); void submit(); }} data-testid="suppression-form">
      <div className="form-row">
        <label className="field">
          <span>{t('messaging.groups.channel')}</span>
          <select value={channel} onChange={(e) => setChannel(e.target.value === 'sms' ? 'sms' : 'email')} data-testid="suppression-channel">
            <option value="email">{t('messaging.channels.email')}</option>
            <option value="sms">{t('messaging.channels.sms')}</option>
          </select>
        </label>
        <div className="field-grow">
          <TextField label={t('messaging.suppressions.address')} value={address} onChange={setAddress} placeholder={t('messaging.suppressions.addressPlaceholder')} issues={issues.get('address')} testId="suppression-address" />
        </div>
        <label className="field">
          <span>{t('messaging.suppressions.reason')}</span>
          <select value={reason} onChange={(e) => setReason(REASONS.find((r) => r === e.target.value) ?? 'manual')} data-testid="suppression-reason">
            {REASONS.map((r) => <option key={r} value={r}>{t(`messaging.suppressions.reasons.${r}`)}</option>)}
          </select>
        </label>
        <div className="field-grow">
          <TextField label={t('messaging.suppressions.note')} value={note} onChange={setNote} issues={issues.get('note')} testId="suppression-note" />
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy || address.trim().length < 3} data-testid="suppression-add">
          {busy ? <Spinner small /> : null} {t('messaging.suppressions.add')}
        </button>
      </div>
      {error && issues.size === 0 ? <InlineError error={error} /> : null}
      {notice ? <p className="notice" data-testid="suppression-notice">{notice}</p> : null}
    </form>
  );
}

/** The suppression list: addresses nothing is ever sent to; add, search and lift. */
export function Suppressions() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { workspace, api } = useWorkspace();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const [offset, setOffset] = useState(0);
  const { error, run } = useAction();
  const list = useResource((signal) => api.suppressions({ q: q || undefined, limit: PAGE_SIZE, offset }, signal), [q, offset, workspace.id]);

  const remove = async (s: Suppression) => {
    if (!window.confirm(t('messaging.suppressions.confirmRemove', { address: s.address }))) return;
    await run(async () => {
      await api.removeSuppression(s.channel, s.address);
      list.reload();
    });
  };

  return (
    <div className="consent-stack" data-testid="suppressions">
      <p className="muted">{t('messaging.suppressions.hint')}</p>
      <section className="card">
        <AddForm onAdded={list.reload} />
      </section>
      <div className="toolbar">
        <SearchInput value={search} onChange={(v) => { setSearch(v); setOffset(0); }} placeholder={t('messaging.suppressions.search')} testId="suppression-search" />
        {list.loading && list.data ? <Spinner small /> : null}
      </div>
      {error ? <InlineError error={error} /> : null}
      {!list.data ? (
        list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : <LoadingState />
      ) : list.data.items.length === 0 ? (
        <p className="muted">{t('messaging.suppressions.empty')}</p>
      ) : (
        <div className="card table-card">
          <div className="table-scroll">
            <table className="table" data-testid="suppressions-table">
              <thead>
                <tr>
                  <th>{t('messaging.suppressions.columns.address')}</th>
                  <th>{t('messaging.suppressions.columns.channel')}</th>
                  <th>{t('messaging.suppressions.columns.reason')}</th>
                  <th className="hide-sm">{t('messaging.suppressions.columns.note')}</th>
                  <th className="hide-sm">{t('messaging.suppressions.columns.added')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((s) => (
                  <tr key={`${s.channel}:${s.address}`} data-testid="suppression-row">
                    <td className="mono">{s.address}</td>
                    <td><ChannelBadge channel={s.channel} /></td>
                    <td>{t(`messaging.suppressions.reasons.${s.reason}`)}</td>
                    <td className="hide-sm">{s.note ?? <span className="muted">{t('common.none')}</span>}</td>
                    <td className="nowrap hide-sm">{fmt.dateTime(s.createdAt)}</td>
                    <td><button type="button" className="btn btn-ghost btn-sm btn-danger-text" onClick={() => void remove(s)} data-testid="suppression-remove">{t('messaging.suppressions.remove')}</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} limit={PAGE_SIZE} total={list.data.total} onChange={setOffset} />
        </div>
      )}
    </div>
  );
}
