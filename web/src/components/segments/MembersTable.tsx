import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useFormat } from '../../format';
import { useDebounced, useNow, useResource } from '../../hooks';
import { useWorkspace } from '../../session';
import { Pager, SearchInput } from '../Controls';
import { ProfileCell, profileHref } from '../ProfileCell';
import { EmptyState, ErrorState, InlineError, LoadingState, Spinner } from '../States';

const PAGE_SIZE = 25;

/** A segment's current members: searchable, paged, each row opening the profile. */
export function MembersTable({ segmentId, refreshKey }: { segmentId: string; refreshKey: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useNow();
  const navigate = useNavigate();
  const { workspace, api } = useWorkspace();
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const q = useDebounced(search.trim(), 300);
  useEffect(() => setOffset(0), [q]);
  // `refreshKey` changes when a recompute finishes or the size moves, so the list refetches.
  const members = useResource((signal) => api.segmentMembers(segmentId, { q: q || undefined, limit: PAGE_SIZE, offset }, signal), [segmentId, q, offset, refreshKey, workspace.id]);
  const { data, error, loading } = members;
  return (
    <section className="card table-card" data-testid="segment-members">
      <div className="table-head">
        <h3>{t('segments.detail.members')}</h3>
        <SearchInput value={search} onChange={setSearch} placeholder={t('segments.detail.search')} testId="members-search" />
        {loading && data ? <Spinner small /> : null}
      </div>
      {error && data ? <InlineError error={error} onRetry={members.reload} /> : null}
      {!data ? (
        error ? <ErrorState error={error} onRetry={members.reload} /> : <LoadingState />
      ) : data.items.length === 0 ? (
        <div className="table-empty">
          <EmptyState icon={q ? 'search' : 'customers'} title={q ? t('segments.detail.noMatch') : t('segments.detail.noMembers')} testId="members-empty" />
        </div>
      ) : (
        <>
          <div className="table-scroll">
            <table className="table" data-testid="members-table">
              <thead>
                <tr>
                  <th>{t('customers.columns.customer')}</th>
                  <th className="hide-sm">{t('customers.columns.userId')}</th>
                  <th>{t('segments.detail.entered')}</th>
                  <th>{t('customers.columns.lastSeen')}</th>
                </tr>
              </thead>
              <tbody className={loading ? 'is-stale' : undefined}>
                {data.items.map((p) => {
                  return (
                    <tr key={p.id} className="row-link" onClick={() => navigate(profileHref(p.id))} data-testid="member-row">
                      <ProfileCell p={p} />
                      <td className="mono small hide-sm">{p.userId ?? <span className="muted">{t('common.none')}</span>}</td>
                      <td className="nowrap" title={fmt.dateTime(p.enteredAt)}>{fmt.relative(p.enteredAt, now)}</td>
                      <td className="nowrap" title={fmt.dateTime(p.lastSeenAt)}>{fmt.relative(p.lastSeenAt, now)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} limit={PAGE_SIZE} total={data.total} onChange={setOffset} />
        </>
      )}
    </section>
  );
}
