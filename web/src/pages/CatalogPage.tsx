import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { PageHeader, Pager, SearchInput } from '../components/Controls';
import { Icon } from '../components/Icon';
import { EmptyState, ErrorState, InlineError, LoadingState, Spinner } from '../components/States';
import type { CatalogRow } from '../endpoints';
import { useFormat } from '../format';
import { useDebounced, useNow, useResource } from '../hooks';
import { asLanguage } from '../i18n';
import { useWorkspace } from '../session';

const PAGE_SIZE = 50;

/** The item's name in the UI language if it has one, and the other name as a subtitle. */
function names(item: CatalogRow, lang: string): { main: string; other: string | null } {
  const main = item.names[lang] ?? (item.language === lang ? item.name : undefined) ?? item.name;
  const other = Object.values(item.names).find((n) => n !== main) ?? (item.name !== main ? item.name : null);
  return { main, other };
}

/** Catalog: searchable product table with localised names, category filter and paging. */
export default function CatalogPage() {
  const { t, i18n } = useTranslation();
  const lang = asLanguage(i18n.language);
  const fmt = useFormat();
  const now = useNow();
  const { workspace, api } = useWorkspace();
  const [params, setParams] = useSearchParams();
  const category = params.get('category') ?? '';
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const q = useDebounced(search.trim(), 300);
  const [lastQ, setLastQ] = useState(q);
  if (q !== lastQ) {
    // A new search starts from the first page (state adjusted during render, per React docs).
    setLastQ(q);
    setOffset(0);
  }

  const list = useResource(
    (signal) => api.catalog({ q: q || undefined, category: category || undefined, limit: PAGE_SIZE, offset }, signal),
    [q, category, offset, workspace.id],
  );
  const { data, error, loading } = list;
  const setCategory = (c: string) => {
    setOffset(0);
    setParams(c ? { category: c } : {}, { replace: true });
  };

  return (
    <div className="page" data-testid="catalog-page">
      <PageHeader
        title={t('catalog.title')}
        subtitle={t('catalog.subtitle')}
        actions={data ? <span className="count-pill">{t('catalog.total', { count: data.total, value: fmt.number(data.total) })}</span> : null}
      />
      <div className="toolbar">
        <SearchInput value={search} onChange={setSearch} placeholder={t('catalog.search')} testId="catalog-search" />
        {category ? (
          <button type="button" className="chip chip-filter" onClick={() => setCategory('')} data-testid="catalog-category-filter">
            {t('catalog.categoryFilter', { category })} <Icon name="close" size={12} />
          </button>
        ) : null}
        {loading && data ? <Spinner small /> : null}
      </div>
      {error && data ? <InlineError error={error} onRetry={list.reload} /> : null}
      {!data ? (
        error ? <ErrorState error={error} onRetry={list.reload} /> : <LoadingState />
      ) : data.items.length === 0 ? (
        q || category ? (
          <EmptyState icon="search" title={t('catalog.noMatch.title')} body={t('catalog.noMatch.body')} />
        ) : (
          <EmptyState
            icon="catalog"
            title={t('catalog.empty.title')}
            body={t('catalog.empty.body')}
            action={<Link className="btn btn-primary" to="/import?kind=catalog">{t('catalog.empty.action')}</Link>}
          />
        )
      ) : (
        <div className="card table-card">
          <div className="table-scroll">
            <table className="table" data-testid="catalog-table">
              <thead>
                <tr>
                  <th>{t('catalog.columns.product')}</th>
                  <th>{t('catalog.columns.category')}</th>
                  <th className="hide-sm">{t('catalog.columns.brand')}</th>
                  <th className="num">{t('catalog.columns.price')}</th>
                  <th>{t('catalog.columns.stock')}</th>
                  <th className="hide-sm">{t('catalog.columns.updated')}</th>
                </tr>
              </thead>
              <tbody className={loading ? 'is-stale' : undefined}>
                {data.items.map((item) => {
                  const n = names(item, lang);
                  return (
                    <tr key={item.id} data-testid="catalog-row">
                      <td>
                        <div className="product">
                          {item.imageUrl ? (
                            <img className="thumb" src={item.imageUrl} alt="" loading="lazy" />
                          ) : (
                            <span className="thumb thumb-empty"><Icon name="catalog" size={16} /></span>
                          )}
                          <div className="who-text">
                            {item.url ? (
                              <a href={item.url} target="_blank" rel="noreferrer" className="who-name">{n.main}</a>
                            ) : (
                              <span className="who-name">{n.main}</span>
                            )}
                            <span className="muted small">
                              {n.other ? `${n.other} · ` : ''}
                              <span className="mono">{item.id}</span>
                            </span>
                          </div>
                        </div>
                      </td>
                      <td>
                        {item.categories.length ? (
                          <div className="crumbs">
                            {item.categories.map((c, i) => (
                              <button key={`${i}:${c}`} type="button" className="link-btn" onClick={() => setCategory(c)}
                                title={t('catalog.filterCategory', { category: c })}>
                                {c}
                              </button>
                            ))}
                          </div>
                        ) : (
                          <span className="muted">{t('common.none')}</span>
                        )}
                      </td>
                      <td className="hide-sm">{item.brand ?? <span className="muted">{t('common.none')}</span>}</td>
                      <td className="num">{item.price === null ? t('common.none') : fmt.currency(item.price, item.currency)}</td>
                      <td>
                        <span className={`badge ${item.inStock ? 'badge-ok' : 'badge-bad'}`}>
                          {item.inStock ? t('catalog.inStock') : t('catalog.outOfStock')}
                        </span>
                      </td>
                      <td className="hide-sm nowrap" title={fmt.dateTime(item.updatedAt)}>{fmt.relative(item.updatedAt, now)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} limit={PAGE_SIZE} total={data.total} onChange={setOffset} />
        </div>
      )}
    </div>
  );
}
