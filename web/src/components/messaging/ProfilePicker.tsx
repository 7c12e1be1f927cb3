import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProfileSummary } from '../../../../src/profiles/profile.schema';
import { useDebounced, useResource } from '../../hooks';
import { useWorkspace } from '../../session';
import { Avatar, SearchInput } from '../Controls';
import { Spinner } from '../States';

export type PickedProfile = Pick<ProfileSummary, 'id' | 'name' | 'email' | 'phone' | 'userId'>;

const displayName = (p: PickedProfile, anonymous: string): string => p.name ?? p.email ?? p.userId ?? anonymous;

/** Chooses the customer a preview renders as: search by name or email (the customers API), or sample data. */
export function ProfilePicker({ value, onChange }: { value: PickedProfile | null; onChange: (p: PickedProfile | null) => void }) {
  const { t } = useTranslation();
  const { workspace, api } = useWorkspace();
  const [query, setQuery] = useState('');
  const q = useDebounced(query.trim(), 300);
  const matches = useResource(
    (signal) => (q ? api.profiles({ q, limit: 6, offset: 0 }, signal) : Promise.resolve(null)),
    [q, workspace.id],
  );

  if (value) {
    const name = displayName(value, t('customers.anonymous'));
    return (
      <div className="picker-chosen" data-testid="preview-profile">
        <Avatar name={name} seed={value.id} size={26} />
        <div className="who-text">
          <strong className="who-name">{name}</strong>
          <span className="muted small">{value.email ?? value.phone ?? value.userId ?? t('common.none')}</span>
        </div>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange(null)} data-testid="preview-profile-clear">
          {t('messaging.preview.clear')}
        </button>
      </div>
    );
  }
  const items = matches.data?.items ?? [];
  return (
    <div className="picker">
      <SearchInput value={query} onChange={setQuery} placeholder={t('messaging.preview.search')} testId="preview-profile-search" />
      {q && matches.loading && !matches.data ? <Spinner small /> : null}
      {q && matches.data ? (
        items.length === 0 ? (
          <p className="muted small">{t('messaging.preview.noMatch')}</p>
        ) : (
          <ul className="picker-list" role="listbox" aria-label={t('messaging.preview.as')}>
            {items.map((p) => {
              const name = displayName(p, t('customers.anonymous'));
              return (
                <li key={p.id}>
                  <button
                    type="button"
                    role="option"
                    aria-selected={false}
                    className="picker-option"
                    onClick={() => {
                      onChange(p);
                      setQuery('');
                    }}
                    data-testid="preview-profile-option"
                  >
                    <Avatar name={name} seed={p.id} size={24} />
                    <span className="who-text">
                      <span>{name}</span>
                      <span className="muted small">{p.email ?? p.phone ?? p.userId ?? t('common.none')}</span>
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        )
      ) : (
        <p className="muted small">{t('messaging.preview.sampleHint')}</p>
      )}
    </div>
  );
}
