import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeedbackSummary, FeedbackText } from '../../../src/nlp/feedback.schema';
import { PageHeader, Segmented } from '../components/Controls';
import { AnalyzeCard } from '../components/feedback/AnalyzeCard';
import { AspectChart, KeywordChart, TopicTable, TrendChart } from '../components/feedback/FeedbackCharts';
import { SettingsCard } from '../components/feedback/FeedbackSettings';
import type { Aspect, Polarity } from '../components/feedback/feedback.shared';
import { EmptyState, ErrorState, InlineError, LoadingState } from '../components/States';
import type { FeedbackTextFilter } from '../feedback.endpoints';
import { useFormat } from '../format';
import { useResource } from '../hooks';
import { useWorkspace } from '../session';
import '../feedback.css';

const PERIODS = ['30', '90', '180', '365'] as const;
const LANGS = ['all', 'zh', 'en', 'mixed'] as const;
type Lang = (typeof LANGS)[number];

/** What the texts panel shows: the number last clicked. */
type Selection = { kind: 'all' } | { kind: 'week'; week: string } | { kind: 'aspect'; aspect: Aspect; polarity: Polarity } | { kind: 'keyword'; keyword: string };

function selectionFilter(s: Selection): Partial<FeedbackTextFilter> {
  switch (s.kind) {
    case 'all':
      return {};
    case 'week':
      return { week: s.week };
    case 'aspect':
      return { aspect: s.aspect, polarity: s.polarity };
    case 'keyword':
      return { keyword: s.keyword };
  }
}

function Stats({ summary }: { summary: FeedbackSummary }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { total } = summary;
  return (
    <div className="stats stats-4">
      <div className="stat">
        <div className="muted small">{t('feedback.stats.texts')}</div>
        <div className="stat-value" data-testid="fb-total">{fmt.number(total.count)}</div>
        {total.spam > 0 ? <div className="muted small">{t('feedback.stats.spam', { count: total.spam })}</div> : null}
      </div>
      <div className="stat">
        <div className="muted small">{t('feedback.stats.average')}</div>
        <div className="stat-value" data-testid="fb-average">{total.averageScore === null ? '—' : total.averageScore.toFixed(2)}</div>
      </div>
      <div className="stat">
        <div className="muted small">{t('feedback.stats.positive')}</div>
        <div className="stat-value">{total.count > 0 ? fmt.percent(total.positive / total.count) : '—'}</div>
      </div>
      <div className="stat">
        <div className="muted small">{t('feedback.stats.complaints')}</div>
        <div className="stat-value" data-testid="fb-complaints">{fmt.number(total.complaints)}</div>
      </div>
    </div>
  );
}

function TextItem({ item }: { item: FeedbackText }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const tone = item.sentiment === 'positive' ? 'badge-ok' : item.sentiment === 'negative' ? 'badge-bad' : '';
  return (
    <li className="fb-text" data-testid="fb-text" data-sentiment={item.sentiment ?? ''}>
      <div className="fb-text-head">
        {item.sentiment ? <span className={`badge ${tone}`}>{t(`feedback.sentiment.${item.sentiment}`)}</span> : null}
        {item.score !== null ? <span className="muted small">{t('feedback.texts.score', { score: item.score.toFixed(2) })}</span> : null}
        {item.complaint ? <span className="badge badge-warn">{t('feedback.texts.complaint')}</span> : null}
        {item.spam ? <span className="badge">{t('feedback.texts.spam')}</span> : null}
        {item.flags.includes('truncated') ? <span className="badge">{t('feedback.texts.truncated')}</span> : null}
        {item.flags.includes('binary') ? <span className="badge">{t('feedback.texts.binary')}</span> : null}
        <span className="muted small fb-text-meta">
          {item.event} · {t(`feedback.languages.${item.language === 'zh' || item.language === 'en' || item.language === 'mixed' ? item.language : 'unknown'}`)} · {fmt.dateTime(item.timestamp)} ·{' '}
          <a href={`/customers/${encodeURIComponent(item.profileId)}`}>{t('feedback.texts.customer')}</a>
        </span>
      </div>
      {/* Rendered as text: React escapes it, so markup in a review is shown, never run. */}
      <p className="fb-text-body">{item.text}</p>
      {item.aspects.length > 0 ? (
        <div className="chips">
          {item.aspects.map((a) => (
            <span key={a.aspect} className={`chip fb-${a.polarity}`}>
              {t(`feedback.aspects.names.${a.aspect}`)} · {t(`feedback.sentiment.${a.polarity}`)}
            </span>
          ))}
        </div>
      ) : null}
    </li>
  );
}

function Texts({ filter, selection, onClear }: { filter: FeedbackTextFilter; selection: Selection; onClear: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { workspace, api } = useWorkspace();
  const key = JSON.stringify(filter);
  const texts = useResource((signal) => api.feedbackTexts(filter, signal), [workspace.id, key]);
  const title =
    selection.kind === 'week'
      ? t('feedback.texts.week', { week: fmt.day(selection.week, true) })
      : selection.kind === 'aspect'
        ? t('feedback.texts.aspect', { aspect: t(`feedback.aspects.names.${selection.aspect}`), polarity: t(selection.polarity === 'positive' ? 'feedback.aspects.liked' : 'feedback.aspects.disliked') })
        : selection.kind === 'keyword'
          ? t('feedback.texts.keyword', { keyword: selection.keyword })
          : t('feedback.texts.all');
  return (
    <section className="card" data-testid="fb-texts">
      <div className="table-head">
        <h3 data-testid="fb-texts-title">{title}</h3>
        {selection.kind !== 'all' ? (
          <button type="button" className="btn btn-sm btn-ghost" onClick={onClear} data-testid="fb-texts-clear">
            {t('feedback.texts.clear')}
          </button>
        ) : null}
      </div>
      {texts.error ? <InlineError error={texts.error} onRetry={texts.reload} /> : null}
      {!texts.data ? (
        <LoadingState />
      ) : texts.data.items.length === 0 ? (
        <p className="muted">{t('feedback.texts.none')}</p>
      ) : (
        <ul className="fb-text-list">
          {texts.data.items.map((item) => (
            <TextItem key={item.messageId} item={item} />
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * Feedback: what customers' reviews, chats and survey answers say, analysed on ingest (language,
 * sentiment, aspects, keywords). Every number opens the texts behind it; the same analysis lands on
 * profiles as computed traits (sentiment_avg_90d, last_complaint_at, top_topic) for segments.
 */
export default function FeedbackPage() {
  const { t } = useTranslation();
  const { workspace, api } = useWorkspace();
  const [period, setPeriod] = useState<(typeof PERIODS)[number]>('90');
  const [lang, setLang] = useState<Lang>('all');
  const [selection, setSelection] = useState<Selection>({ kind: 'all' });
  const query = { days: Number(period), language: lang === 'all' ? undefined : lang };
  const summary = useResource((signal) => api.feedbackSummary(query, signal), [workspace.id, period, lang], { pollMs: 15_000 });
  const { data, error } = summary;
  return (
    <div className="page" data-testid="feedback-page">
      <PageHeader
        title={t('feedback.title')}
        subtitle={t('feedback.subtitle')}
        actions={
          <div className="fb-filters">
            <Segmented label={t('feedback.period')} options={PERIODS.map((p) => ({ value: p, label: t('feedback.days', { count: Number(p) }) }))} value={period} onChange={setPeriod} testId="fb-period" />
            <Segmented label={t('feedback.language')} options={LANGS.map((l) => ({ value: l, label: t(`feedback.languages.${l}`) }))} value={lang} onChange={setLang} testId="fb-lang" />
          </div>
        }
      />
      {error && data ? <InlineError error={error} onRetry={summary.reload} /> : null}
      {!data ? (
        error ? <ErrorState error={error} onRetry={summary.reload} /> : <LoadingState />
      ) : (
        <>
          {data.total.count === 0 ? (
            <EmptyState icon="activity" title={t('feedback.empty.title')} body={t('feedback.empty.body')} testId="fb-empty" />
          ) : (
            <>
              <Stats summary={data} />
              <TrendChart summary={data} onWeek={(week) => setSelection({ kind: 'week', week })} />
              <div className="fb-grid">
                <AspectChart summary={data} onPick={(aspect, polarity) => setSelection({ kind: 'aspect', aspect, polarity })} />
                <KeywordChart summary={data} onPick={(keyword) => setSelection({ kind: 'keyword', keyword })} />
              </div>
              <TopicTable summary={data} />
              <Texts filter={{ ...query, ...selectionFilter(selection) }} selection={selection} onClear={() => setSelection({ kind: 'all' })} />
            </>
          )}
          <AnalyzeCard />
          <SettingsCard />
        </>
      )}
    </div>
  );
}
