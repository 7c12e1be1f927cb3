import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SubscriptionGroup, SubscriptionGroupType } from '../../../../src/messaging/consent.schema';
import type { Channel } from '../../../../src/messaging/template.schema';
import { useFormat } from '../../format';
import { useAction, useNow, useResource } from '../../hooks';
import { useWorkspace } from '../../session';
import { ErrorState, InlineError, LoadingState, Spinner } from '../States';
import { ChannelBadge } from './Badges';
import { CHANNELS } from './draft';
import { TextField } from './Fields';
import { issuesByField } from './issues';

interface Fields {
  name: string;
  nameZh: string;
  description: string;
}

/** Create a group, or edit one's names and description (its channel and type stay). */
function GroupForm({ group, onDone, onCancel }: { group?: SubscriptionGroup; onDone: () => void; onCancel?: () => void }) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const [fields, setFields] = useState<Fields>({ name: group?.name ?? '', nameZh: group?.nameZh ?? '', description: group?.description ?? '' });
  const [channel, setChannel] = useState<Channel>(group?.channel ?? 'email');
  const [type, setType] = useState<SubscriptionGroupType>(group?.type ?? 'opt_out');
  const { busy, error, run } = useAction();
  const issues = issuesByField(error);
  const set = (patch: Partial<Fields>) => setFields({ ...fields, ...patch });

  const submit = async () => {
    const names = { name: fields.name.trim(), nameZh: fields.nameZh.trim() || null, description: fields.description.trim() };
    await run(async () => {
      if (group) await api.updateSubscriptionGroup(group.id, names);
      else await api.createSubscriptionGroup({ ...names, channel, type });
      if (!group) setFields({ name: '', nameZh: '', description: '' });
      onDone();
    });
  };

  return (
    <form className="channel-form" onSubmit={(e) => { e.preventDefault(); void submit(); }} data-testid={group ? 'group-edit-form' : 'group-form'}>
      <div className="form-row">
        <div className="field-grow"><TextField label={t('messaging.groups.name')} value={fields.name} onChange={(name) => set({ name })} issues={issues.get('name')} testId="group-name" /></div>
        <div className="field-grow"><TextField label={t('messaging.groups.nameZh')} value={fields.nameZh} onChange={(nameZh) => set({ nameZh })} hint={t('messaging.groups.nameZhHint')} issues={issues.get('nameZh')} testId="group-name-zh" /></div>
      </div>
      <TextField label={t('messaging.groups.description')} value={fields.description} onChange={(description) => set({ description })} issues={issues.get('description')} testId="group-description" />
      {group ? (
        <p className="muted small">{t('messaging.groups.fixed')}</p>
      ) : (
        <div className="form-row">
          <label className="field">
            <span>{t('messaging.groups.channel')}</span>
            <select value={channel} onChange={(e) => setChannel(CHANNELS.find((c) => c === e.target.value) ?? 'email')} data-testid="group-channel">
              {CHANNELS.map((c) => <option key={c} value={c}>{t(`messaging.channels.${c}`)}</option>)}
            </select>
          </label>
          <label className="field">
            <span>{t('messaging.groups.type')}</span>
            <select value={type} onChange={(e) => setType(e.target.value === 'opt_in' ? 'opt_in' : 'opt_out')} data-testid="group-type">
              <option value="opt_out">{t('messaging.groups.types.opt_out')}</option>
              <option value="opt_in">{t('messaging.groups.types.opt_in')}</option>
            </select>
          </label>
        </div>
      )}
      {error && issues.size === 0 ? <InlineError error={error} /> : null}
      <div className="editor-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !fields.name.trim()} data-testid="group-submit">
          {busy ? <Spinner small /> : null} {group ? t('messaging.groups.save') : t('messaging.groups.create')}
        </button>
        {onCancel ? <button type="button" className="btn" onClick={onCancel}>{t('common.cancel')}</button> : null}
      </div>
    </form>
  );
}

/** Subscription groups: what customers can subscribe to or leave, per channel. */
export function SubscriptionGroups() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useNow();
  const { workspace, api } = useWorkspace();
  const list = useResource((signal) => api.subscriptionGroups(signal), [workspace.id]);
  const [editing, setEditing] = useState<string | null>(null);
  const { error, run } = useAction();

  const remove = async (g: SubscriptionGroup) => {
    if (!window.confirm(t('messaging.groups.confirmRemove', { name: g.name }))) return;
    await run(async () => {
      await api.deleteSubscriptionGroup(g.id);
      list.reload();
    });
  };

  return (
    <div className="consent-stack" data-testid="subscription-groups">
      <p className="muted">{t('messaging.groups.hint')}</p>
      <section className="card">
        <h3 className="card-title">{t('messaging.groups.new')}</h3>
        <GroupForm onDone={list.reload} />
      </section>
      {error ? <InlineError error={error} /> : null}
      {!list.data ? (
        list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : <LoadingState />
      ) : list.data.items.length === 0 ? (
        <p className="muted">{t('messaging.groups.empty')}</p>
      ) : (
        <div className="card table-card">
          <div className="table-scroll">
            <table className="table" data-testid="groups-table">
              <thead>
                <tr>
                  <th>{t('messaging.groups.columns.name')}</th>
                  <th>{t('messaging.groups.columns.nameZh')}</th>
                  <th>{t('messaging.groups.columns.channel')}</th>
                  <th>{t('messaging.groups.columns.type')}</th>
                  <th className="hide-sm">{t('messaging.groups.columns.updated')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((g) =>
                  editing === g.id ? (
                    <tr key={g.id}>
                      <td colSpan={6}>
                        <GroupForm group={g} onDone={() => { setEditing(null); list.reload(); }} onCancel={() => setEditing(null)} />
                      </td>
                    </tr>
                  ) : (
                    <tr key={g.id} data-testid="group-row">
                      <td>
                        <div className="who-text">
                          <strong>{g.name}</strong>
                          {g.description ? <span className="muted small seg-desc">{g.description}</span> : null}
                        </div>
                      </td>
                      <td>{g.nameZh ?? <span className="muted">{t('common.none')}</span>}</td>
                      <td><ChannelBadge channel={g.channel} /></td>
                      <td><span className={`badge ${g.type === 'opt_in' ? 'badge-run' : 'badge-muted'}`}>{t(`messaging.groups.types.${g.type}`)}</span></td>
                      <td className="nowrap hide-sm" title={fmt.dateTime(g.updatedAt)}>{fmt.relative(g.updatedAt, now)}</td>
                      <td className="nowrap">
                        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing(g.id)} data-testid="group-edit">{t('messaging.groups.edit')}</button>
                        <button type="button" className="btn btn-ghost btn-sm btn-danger-text" onClick={() => void remove(g)}>{t('messaging.groups.remove')}</button>
                      </td>
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
