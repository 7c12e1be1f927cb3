import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { FeedbackSummary } from '../../../../src/nlp/feedback.schema';
import { PALETTE } from '../Charts';
import { useFormat } from '../../format';
import { isAspect, TONE, type Aspect, type Polarity } from './feedback.shared';

/** The Feedback page's charts: sentiment by week, liked/disliked aspects, keywords, topics by week. Each bar opens its texts. */
export function TrendChart({ summary, onWeek }: { summary: FeedbackSummary; onWeek: (week: string) => void }) {
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

export function AspectChart({ summary, onPick }: { summary: FeedbackSummary; onPick: (aspect: Aspect, polarity: Polarity) => void }) {
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

export function KeywordChart({ summary, onPick }: { summary: FeedbackSummary; onPick: (keyword: string) => void }) {
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

export function TopicTable({ summary }: { summary: FeedbackSummary }) {
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
              .slice(0, 10)
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

