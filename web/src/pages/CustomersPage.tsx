import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import type { ProfileSummary } from '../../../src/profiles/profile.schema';
import { PageHeader, Pager, SearchInput, Segmented } from '../components/Controls';
import { ProfileCell, profileHref } from '../components/ProfileCell';
import { EmptyState, ErrorState, InlineError, LoadingState, Spinner } from '../components/States';
import { useFormat } from '../format';
import { useDebounced, useNow, useResource } from '../hooks';
import { useWorkspace } from '../session';
import { keyTraits } from '../values';

const PAGE_SIZE = 50;

function Row({ p, now }: { p: ProfileSummary; now: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  return (
    <tr className="row-link" onClick={() => navigate(profileHref(p.id))} data-testid="customer-row">
      <ProfileCell p={p} />
      <td className="mono small hide-sm">{p.userId ?? <span className="muted">{t('common.none')}</span>}</td>
      <td className="nowrap" title={fmt.dateTime(p.lastSeenAt)}>{fmt.relative(p.lastSeenAt, now)}</td>
      <td className="num">{fmt.number(p.eventCount)}</td>
      <td className="hide-sm">
        <div className="chips">
          {keyTraits(p.traits).map(([k, v]) => (
            <span className="chip" key={k} title={`${k}: ${v}`}>
              <span className="chip-key">{k}</span> {v}
            </span>
          ))}
        </div>
      </td>
    </tr>
  );
}

/** Customers: searchable, pageable list of profiles; a row opens the profile. */
export default function CustomersPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useNow();
  const { workspace, api } = useWorkspace();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const trait = params.get('trait') ?? '';
  const sort = params.get('sort') === 'firstSeen' ? 'firstSeen' : 'lastSeen';
  const offset = Math.max(0, Number(params.get('offset')) || 0);

  const [search, setSearch] = useState(q);
  const [traitInput, setTraitInput] = useState(trait);
  const debouncedSearch = useDebounced(search.trim(), 300);
  const debouncedTrait = useDebounced(traitInput.trim(), 400);

  const update = (patch: Record<string, string>) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        return next;
      },
      { replace: true },
    );
  };

  // Typing changes the query (and goes back to the first page) once the user pauses.
  // Only the debounced text triggers this, so back/forward navigation is left alone.
  const latest = useRef({ params, setParams });
  latest.current = { params, setParams };
  useEffect(() => {
    const prev = latest.current.params;
    if ((prev.get('q') ?? '') === debouncedSearch && (prev.get('trait') ?? '') === debouncedTrait) return;
    const next = new URLSearchParams(prev);
    for (const [k, v] of [['q', debouncedSearch], ['trait', debouncedTrait]] as const) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    next.delete('offset');
    latest.current.setParams(next, { replace: true });
  }, [debouncedSearch, debouncedTrait]);

  const list = useResource(
    (signal) => api.profiles({ q: q || undefined, trait: trait || undefined, sort, limit: PAGE_SIZE, offset }, signal),
    [q, trait, sort, offset, workspace.id],
  );
  const { data, error, loading } = list;
  const filtered = Boolean(q || trait);

  return (
    <div className="page" data-testid="customers-page">
      <PageHeader
        title={t('customers.title')}
        subtitle={t('customers.subtitle')}
        actions={data ? <span className="count-pill">{t('customers.total', { count: data.total, value: fmt.number(data.total) })}</span> : null}
      />
      <div className="toolbar">
        <SearchInput value={search} onChange={setSearch} placeholder={t('customers.search')} testId="customers-search" />
        <input
          className="input toolbar-trait"
          value={traitInput}
          onChange={(e) => setTraitInput(e.target.value)}
          placeholder={t('customers.traitFilter')}
          aria-label={t('customers.traitFilter')}
          data-testid="customers-trait"
        />
        <Segmented
          label={t('customers.sortLabel')}
          value={sort}
          options={[
            { value: 'lastSeen', label: t('customers.sort.lastSeen') },
            { value: 'firstSeen', label: t('customers.sort.firstSeen') },
          ]}
          onChange={(v) => update({ sort: v === 'lastSeen' ? '' : v, offset: '' })}
        />
        {loading && data ? <Spinner small /> : null}
      </div>
      {error && data ? <InlineError error={error} onRetry={list.reload} /> : null}
      {!data ? (
        error ? <ErrorState error={error} onRetry={list.reload} /> : <LoadingState />
      ) : data.items.length === 0 ? (
        filtered ? (
          <EmptyState icon="search" title={t('customers.noMatch.title')} body={t('customers.noMatch.body')} testId="customers-empty" />
        ) : (
          <EmptyState
            icon="customers"
            title={t('customers.empty.title')}
            body={t('customers.empty.body')}
            testId="customers-empty"
            action={<Link className="btn btn-primary" to="/import">{t('customers.empty.action')}</Link>}
          />
        )
      ) : (
        <div className="card table-card">
          <div className="table-scroll">
            <table className="table" data-testid="customers-table">
              <thead>
                <tr>
                  <th>{t('customers.columns.customer')}</th>
                  <th className="hide-sm">{t('customers.columns.userId')}</th>
                  <th>{t('customers.columns.lastSeen')}</th>
                  <th className="num">{t('customers.columns.events')}</th>
                  <th className="hide-sm">{t('customers.columns.traits')}</th>
                </tr>
              </thead>
              <tbody className={loading ? 'is-stale' : undefined}>
                {data.items.map((p) => (
                  <Row key={p.id} p={p} now={now} />
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} limit={PAGE_SIZE} total={data.total} onChange={(o) => update({ offset: o ? String(o) : '' })} />
        </div>
      )}
    </div>
  );
}
