import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { FeedbackSettings, FeedbackSummary, FeedbackText } from '../../../src/nlp/feedback.schema';
import { ApiError } from '../api';
import { PALETTE } from '../components/Charts';
import { PageHeader, Segmented } from '../components/Controls';
import { EmptyState, ErrorState, InlineError, LoadingState, Spinner } from '../components/States';
import type { FeedbackTextFilter } from '../feedback.endpoints';
import { useFormat } from '../format';
import { useResource } from '../hooks';
import { useWorkspace } from '../session';
import '../feedback.css';

const PERIODS = ['30', '90', '180', '365'] as const;
const LANGS = ['all', 'zh', 'en', 'mixed'] as const;
type Lang = (typeof LANGS)[number];
type Aspect = FeedbackSummary['aspects'][number]['aspect'];
type Polarity = 'positive' | 'neutral' | 'negative';
const TONE = { positive: '#16a34a', neutral: '#94a3b8', negative: '#dc2626' } as const;
const ASPECT_KEYS: readonly Aspect[] = ['quality', 'price', 'delivery', 'service', 'packaging', 'size'];
const isAspect = (s: string): s is Aspect => (ASPECT_KEYS as readonly string[]).includes(s);
const toError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, 'HTTP_ERROR', String(e)));

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

function TrendChart({ summary, onWeek }: { summary: FeedbackSummary; onWeek: (week: string) => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const data = summary.trend.map((w) => ({ ...w, label: fmt.day(w.week) }));
  const click = (d: unknown) => {
    // recharts passes the bar's datum (one of `data`) as the first argument.
    const week = (d as { week?: unknown } | null)?.week;
    if (typeof week === 'string') onWeek(week);
  };
  return (
    <section className="card" data-testid="fb-trend">
      <h3 className="card-title">{t('feedback.trend.title')}</h3>
      <p className="muted small">{t('feedback.trend.hint')}</p>
      <div className="fb-chart">
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid stroke={PALETTE.grid} vertical={false} />
            <XAxis dataKey="label" tick={{ fill: PALETTE.axis, fontSize: 11 }} tickLine={false} axisLine={false} minTickGap={12} />
            <YAxis allowDecimals={false} tick={{ fill: PALETTE.axis, fontSize: 11 }} tickLine={false} axisLine={false} />
            <Tooltip />
            <Legend />
            {(['positive', 'neutral', 'negative'] as const).map((k) => (
              <Bar key={k} dataKey={k} name={t(`feedback.sentiment.${k}`)} stackId="s" fill={TONE[k]} cursor="pointer" onClick={click} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <div className="fb-weeks">
        {summary.trend
          .filter((w) => w.count > 0)
          .map((w) => (
            <button key={w.week} type="button" className="chip chip-filter" onClick={() => onWeek(w.week)} data-testid="fb-week" data-week={w.week}>
              {fmt.day(w.week)} · {fmt.number(w.count)}
            </button>
          ))}
      </div>
    </section>
  );
}

function AspectChart({ summary, onPick }: { summary: FeedbackSummary; onPick: (aspect: Aspect, polarity: Polarity) => void }) {
  const { t } = useTranslation();
  const data = summary.aspects.map((a) => ({ ...a, name: t(`feedback.aspects.names.${a.aspect}`) }));
  const click = (polarity: Polarity) => (d: unknown) => {
    // The bar's datum: one of `data`.
    const aspect = (d as { aspect?: Aspect } | null)?.aspect;
    if (aspect) onPick(aspect, polarity);
  };
  return (
    <section className="card" data-testid="fb-aspects">
      <h3 className="card-title">{t('feedback.aspects.title')}</h3>
      <p className="muted small">{t('feedback.aspects.hint')}</p>
      {data.length === 0 ? (
        <p className="muted">{t('feedback.aspects.none')}</p>
      ) : (
        <>
          <div className="fb-chart">
            <ResponsiveContainer width="100%" height={Math.max(160, data.length * 40)}>
              <BarChart data={data} layout="vertical" margin={{ top: 4, right: 8, bottom: 0, left: 8 }}>
                <CartesianGrid stroke={PALETTE.grid} horizontal={false} />
                <XAxis type="number" allowDecimals={false} tick={{ fill: PALETTE.axis, fontSize: 11 }} tickLine={false} axisLine={false} />
                <YAxis type="category" dataKey="name" width={96} tick={{ fill: PALETTE.axis, fontSize: 12 }} tickLine={false} axisLine={false} />
                <Tooltip />
                <Legend />
                <Bar dataKey="positive" name={t('feedback.aspects.liked')} fill={TONE.positive} cursor="pointer" onClick={click('positive')} isAnimationActive={false} />
                <Bar dataKey="negative" name={t('feedback.aspects.disliked')} fill={TONE.negative} cursor="pointer" onClick={click('negative')} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <table className="table fb-aspect-table">
            <tbody>
              {data.map((a) => (
                <tr key={a.aspect} data-testid="fb-aspect" data-aspect={a.aspect}>
                  <td>{a.name}</td>
                  <td>
                    <button type="button" className="chip chip-filter fb-liked" onClick={() => onPick(a.aspect, 'positive')} data-testid="fb-aspect-liked">
                      {t('feedback.aspects.liked')} {a.positive}
                    </button>
                  </td>
                  <td>
                    <button type="button" className="chip chip-filter fb-disliked" onClick={() => onPick(a.aspect, 'negative')} data-testid="fb-aspect-disliked">
                      {t('feedback.aspects.disliked')} {a.negative}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function KeywordChart({ summary, onPick }: { summary: FeedbackSummary; onPick: (keyword: string) => void }) {
  const { t } = useTranslation();
  const click = (d: unknown) => {
    // The bar's datum: one of summary.keywords.
    const keyword = (d as { keyword?: unknown } | null)?.keyword;
    if (typeof keyword === 'string') onPick(keyword);
  };
  return (
    <section className="card" data-testid="fb-keywords">
      <h3 className="card-title">{t('feedback.keywords.title')}</h3>
      <p className="muted small">{t('feedback.keywords.hint')}</p>
      {summary.keywords.length === 0 ? (
        <p className="muted">{t('feedback.keywords.none')}</p>
      ) : (
        <>
          <div className="fb-chart">
            <ResponsiveContainer width="100%" height={Math.max(160, summary.keywords.length * 22)}>
              <BarChart data={summary.keywords} layout="vertical" margin={{ top: 4, right: 8, bottom: 0, left: 8 }}>
                <CartesianGrid stroke={PALETTE.grid} horizontal={false} />
                <XAxis type="number" allowDecimals={false} tick={{ fill: PALETTE.axis, fontSize: 11 }} tickLine={false} axisLine={false} />
                <YAxis type="category" dataKey="keyword" width={96} tick={{ fill: PALETTE.axis, fontSize: 12 }} tickLine={false} axisLine={false} interval={0} />
                <Tooltip />
                <Bar dataKey="count" fill={PALETTE.events} cursor="pointer" onClick={click} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <div className="chips">
            {summary.keywords.map((k) => (
              <button key={k.keyword} type="button" className="chip chip-filter" onClick={() => onPick(k.keyword)} data-testid="fb-keyword" data-keyword={k.keyword}>
                {k.keyword} · {k.count}
              </button>
            ))}
          </div>
        </>
      )}
    </section>
  );
}

function TopicTable({ summary }: { summary: FeedbackSummary }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const weeks = [...new Set(summary.topicTrend.map((x) => x.week))].sort().slice(-8);
  const topics = [...new Set(summary.topicTrend.map((x) => x.topic))];
  if (topics.length === 0) return null;
  const count = (topic: string, week: string) => summary.topicTrend.find((x) => x.topic === topic && x.week === week)?.count ?? 0;
  const label = (topic: string) => {
    const aspect = topic.startsWith('aspect:') ? topic.slice(7) : '';
    return isAspect(aspect) ? t(`feedback.aspects.names.${aspect}`) : topic;
  };
  const total = (topic: string) => summary.topicTrend.filter((x) => x.topic === topic).reduce((n, x) => n + x.count, 0);
  return (
    <section className="card table-card" data-testid="fb-topics">
      <div className="table-head">
        <h3>{t('feedback.topics.title')}</h3>
      </div>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>{t('feedback.topics.topic')}</th>
              {weeks.map((w) => (
                <th key={w} className="num">{fmt.day(w)}</th>
              ))}
              <th className="num">{t('feedback.topics.total')}</th>
            </tr>
          </thead>
          <tbody>
            {topics
              .sort((a, b) => total(b) - total(a))
              .map((topic) => (
                <tr key={topic}>
                  <td>{label(topic)}</td>
                  {weeks.map((w) => (
                    <td key={w} className="num">{count(topic, w) || ''}</td>
                  ))}
                  <td className="num">{total(topic)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </section>
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

interface Row {
  event: string;
  paths: string;
  intent: boolean;
}

function SettingsCard() {
  const { t } = useTranslation();
  const { workspace, api } = useWorkspace();
  const settings = useResource((signal) => api.feedbackSettings(signal), [workspace.id]);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    if (settings.data) setRows(settings.data.sources.map((s) => ({ event: s.event, paths: s.paths.join(', '), intent: s.intent === true })));
  }, [settings.data]);
  const update = (i: number, patch: Partial<Row>) => {
    setSaved(false);
    setRows((r) => (r ? r.map((row, k) => (k === i ? { ...row, ...patch } : row)) : r));
  };
  const save = async () => {
    if (!rows) return;
    setSaving(true);
    setError(undefined);
    try {
      const body: FeedbackSettings = { sources: rows.map((r) => ({ event: r.event.trim(), paths: r.paths.split(',').map((p) => p.trim()).filter((p) => p.length > 0), ...(r.intent ? { intent: true } : {}) })) };
      await api.updateFeedbackSettings(body);
      setSaved(true);
      settings.reload();
    } catch (e) {
      setError(toError(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <section className="card" data-testid="fb-settings">
      <h3 className="card-title">{t('feedback.settings.title')}</h3>
      <p className="muted small">{t('feedback.settings.hint')}</p>
      {settings.error ? <InlineError error={settings.error} onRetry={settings.reload} /> : null}
      {!rows ? (
        <LoadingState />
      ) : (
        <div className="fb-settings">
          {rows.map((row, i) => (
            <div key={i} className="fb-settings-row" data-testid="fb-source">
              <input className="input" aria-label={t('feedback.settings.event')} placeholder={t('feedback.settings.event')} value={row.event} onChange={(e) => update(i, { event: e.target.value })} data-testid="fb-source-event" />
              <input className="input" aria-label={t('feedback.settings.paths')} placeholder={t('feedback.settings.paths')} value={row.paths} onChange={(e) => update(i, { paths: e.target.value })} data-testid="fb-source-paths" />
              <label className="fb-intent small">
                <input type="checkbox" checked={row.intent} onChange={(e) => update(i, { intent: e.target.checked })} /> {t('feedback.settings.intent')}
              </label>
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => setRows(rows.filter((_, k) => k !== i))}>
                {t('feedback.settings.remove')}
              </button>
            </div>
          ))}
          {error ? <InlineError error={error} /> : null}
          <div className="fb-settings-actions">
            <button type="button" className="btn btn-sm" onClick={() => setRows([...rows, { event: '', paths: 'text', intent: false }])} data-testid="fb-source-add">
              {t('feedback.settings.add')}
            </button>
            <button type="button" className="btn btn-sm btn-primary" onClick={() => void save()} disabled={saving} data-testid="fb-settings-save">
              {saving ? <Spinner small /> : null} {saving ? t('feedback.settings.saving') : t('feedback.settings.save')}
            </button>
            {saved ? <span className="muted small" data-testid="fb-settings-saved">{t('feedback.settings.saved')}</span> : null}
          </div>
        </div>
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
          <SettingsCard />
        </>
      )}
    </div>
  );
}
