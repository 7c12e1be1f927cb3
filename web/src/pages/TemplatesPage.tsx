import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import type { TemplateSummary } from '../../../src/messaging/template.api.schema';
import type { Channel, Locale } from '../../../src/messaging/template.schema';
import { PageHeader, Segmented } from '../components/Controls';
import { ChannelBadge, KindBadge } from '../components/messaging/Badges';
import { CHANNELS, languagesOf } from '../components/messaging/draft';
import { EmptyState, ErrorState, InlineError, LoadingState, Spinner } from '../components/States';
import type { Endpoints } from '../endpoints';
import { useFormat } from '../format';
import { useNow, useResource } from '../hooks';
import { useWorkspace } from '../session';
import '../segments.css';
import '../messaging.css';

interface Row {
  summary: TemplateSummary;
  /** The languages written; null when the body could not be read. */
  languages: Locale[] | null;
}

/** How many templates get their languages looked up (the list answer has no bodies). */
const LANGUAGE_LOOKUPS = 100;

async function loadRows(api: Endpoints, signal: AbortSignal): Promise<Row[]> {
  const { items } = await api.templates(signal);
  return Promise.all(
    items.map(async (summary, i): Promise<Row> => {
      if (i >= LANGUAGE_LOOKUPS) return { summary, languages: null };
      const full = await api.template(summary.id, signal).catch(() => null);
      return { summary, languages: full ? languagesOf(full.body) : null };
    }),
  );
}

function TemplateRow({ row, now }: { row: Row; now: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const { summary: s } = row;
  const href = `/templates/${encodeURIComponent(s.id)}`;
  return (
    <tr className="row-link" onClick={() => navigate(href)} data-testid="template-row">
      <td>
        <div className="who-text">
          <Link to={href} className="who-name" onClick={(e) => e.stopPropagation()} data-testid="template-row-name">
            {s.name}
          </Link>
          {s.description ? <span className="muted small seg-desc">{s.description}</span> : null}
        </div>
      </td>
      <td><ChannelBadge channel={s.channel} /></td>
      <td><KindBadge kind={s.kind} /></td>
      <td>
        <div className="chips">
          {row.languages === null ? <span className="muted">{t('common.none')}</span> : row.languages.map((l) => (
            <span key={l} className="lang-chip" title={t(`messaging.locales.${l}`)}>{l === 'en' ? 'EN' : '中文'}</span>
          ))}
        </div>
      </td>
      <td className="nowrap hide-sm" title={fmt.dateTime(s.updatedAt)}>{fmt.relative(s.updatedAt, now)}</td>
    </tr>
  );
}

/** Templates: every message template with its channel, kind and languages. */
export default function TemplatesPage() {
  const { t } = useTranslation();
  const now = useNow();
  const { workspace, api } = useWorkspace();
  const [channel, setChannel] = useState<Channel | 'all'>('all');
  const list = useResource((signal) => loadRows(api, signal), [workspace.id]);
  const { data, error, loading } = list;
  const rows = data?.filter((r) => channel === 'all' || r.summary.channel === channel) ?? [];
  const newButton = (
    <Link className="btn btn-primary" to={channel === 'all' ? '/templates/new' : `/templates/new?channel=${channel}`} data-testid="template-new">
      <span className="plus" aria-hidden="true">+</span> {t('messaging.templates.new')}
    </Link>
  );
  return (
    <div className="page" data-testid="templates-page">
      <PageHeader title={t('messaging.templates.title')} subtitle={t('messaging.templates.subtitle')} actions={<>{loading && data ? <Spinner small /> : null}{newButton}</>} />
      {error && data ? <InlineError error={error} onRetry={list.reload} /> : null}
      {!data ? (
        error ? <ErrorState error={error} onRetry={list.reload} /> : <LoadingState />
      ) : data.length === 0 ? (
        <EmptyState icon="templates" title={t('messaging.templates.empty.title')} body={t('messaging.templates.empty.body')} action={newButton} testId="templates-empty" />
      ) : (
        <>
          <div className="toolbar">
            <Segmented
              label={t('messaging.templates.filterLabel')}
              value={channel}
              onChange={setChannel}
              testId="templates-channel"
              options={[{ value: 'all', label: t('messaging.templates.all') }, ...CHANNELS.map((c) => ({ value: c, label: t(`messaging.channels.${c}`) }))]}
            />
          </div>
          <div className="card table-card">
            {rows.length === 0 ? (
              <p className="muted table-empty">{t('messaging.templates.noMatch')}</p>
            ) : (
              <div className="table-scroll">
                <table className="table" data-testid="templates-table">
                  <thead>
                    <tr>
                      <th>{t('messaging.templates.columns.name')}</th>
                      <th>{t('messaging.templates.columns.channel')}</th>
                      <th>{t('messaging.templates.columns.kind')}</th>
                      <th>{t('messaging.templates.columns.languages')}</th>
                      <th className="hide-sm">{t('messaging.templates.columns.updated')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => <TemplateRow key={r.summary.id} row={r} now={now} />)}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        </>
      )}
    </div>
  );
}
