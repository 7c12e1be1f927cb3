import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { JobInfo } from '../../../src/queue/job.schema';
import type { ModelList, ModelVersion, OnlineMetrics, RecommendationList, RecommendSettings } from '../../../src/recommend/recommend.schema';
import { asApiError, type ApiError } from '../api';
import { PALETTE } from '../components/Charts';
import { PageHeader, ProgressBar } from '../components/Controls';
import { Icon } from '../components/Icon';
import { EmptyState, ErrorState, InlineError, LoadingState, Spinner } from '../components/States';
import { useFormat } from '../format';
import { asLanguage } from '../i18n';
import { useResource } from '../hooks';
import { useWorkspace } from '../session';
import '../recommend.css';

const POLL_MS = 1_000;
const metric = (v: number) => v.toFixed(3);

/** "Train now" and, while the job runs, its progress; `onDone` when the new versions are in. */
function TrainControl({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const fmt = useFormat();
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<ApiError>();
  const [failure, setFailure] = useState<string | null>(null);
  const job = useResource((signal) => (jobId ? api.job(jobId, signal) : Promise.resolve(null)), [jobId], {
    pollMs: POLL_MS,
    pollWhile: (j: JobInfo | null | undefined) => j !== null && j?.status !== 'done' && j?.status !== 'failed',
  });
  const onDoneRef = useRef(onDone);
  onDoneRef.current = onDone;
  useEffect(() => {
    const j = job.data;
    if (!j || !jobId || j.id !== jobId) return;
    if (j.status === 'done' || j.status === 'failed') {
      setJobId(null);
      if (j.status === 'failed') setFailure(j.error ?? j.status);
      onDoneRef.current();
    }
  }, [job.data, jobId]);
  const start = async () => {
    setError(undefined);
    setFailure(null);
    try {
      setJobId((await api.trainRecommendations()).jobId);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const progress = jobId && job.data?.id === jobId ? job.data.progress : 0;
  return (
    <div className="rec-train">
      <button type="button" className="btn btn-primary" onClick={() => void start()} disabled={jobId !== null} data-testid="rec-train">
        {jobId ? <Spinner small /> : <Icon name="refresh" size={14} />} {jobId ? t('recommend.training') : t('recommend.train')}
      </button>
      {jobId ? (
        <div className="rec-job" data-testid="rec-job">
          <div className="row-between small">
            <span className="muted">{job.data?.id === jobId ? (job.data.progressNote ?? '') : ''}</span>
            <span className="muted">{fmt.percent(progress)}</span>
          </div>
          <ProgressBar value={progress} testId="rec-job-progress" />
        </div>
      ) : null}
      {error ? <InlineError error={error} /> : null}
      {failure ? <p className="text-bad small" role="alert">{t('recommend.jobFailed', { error: failure })}</p> : null}
    </div>
  );
}

function Status({ list }: { list: ModelList }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const promoted = list.items.find((m) => m.promoted);
  const run = list.runs[0];
  return (
    <section className="card" data-testid="rec-status">
      <h3 className="card-title">{t('recommend.status.title')}</h3>
      {promoted ? (
        <p data-testid="rec-promoted">
          <strong>{t('recommend.status.model', { algorithm: t(`recommend.algorithms.${promoted.algorithm}`), version: promoted.version })}</strong>{' '}
          <span className="muted small">{t('recommend.status.ndcg', { value: metric(promoted.metrics.ndcg) })}</span>
        </p>
      ) : (
        <p className="muted">{t('recommend.status.none')}</p>
      )}
      {run ? (
        <div className="small">
          <div className="muted">
            {t('recommend.status.lastRun')} · {fmt.dateTime(run.createdAt)}
            {run.status === 'running' ? ` · ${t('recommend.status.running')}` : ''}
          </div>
          {run.dataFrom && run.dataTo ? <div className="muted">{t('recommend.status.range', { from: fmt.date(run.dataFrom), to: fmt.date(run.dataTo) })}</div> : null}
          <div className="muted" data-testid="rec-run-counts">
            {t('recommend.status.counts', { customers: fmt.number(run.customers), items: fmt.number(run.items), interactions: fmt.number(run.interactions) })}
          </div>
          {run.status === 'insufficient' ? <p className="small" data-testid="rec-insufficient">{t('recommend.status.insufficient', { note: run.note ?? '' })}</p> : null}
          {run.status === 'failed' ? <p className="text-bad small">{t('recommend.status.failed', { note: run.note ?? '' })}</p> : null}
        </div>
      ) : null}
    </section>
  );
}

function Compare({ list }: { list: ModelList }) {
  const { t } = useTranslation();
  // The newest run's versions: one bar group per algorithm.
  const run = list.items[0]?.runId;
  const rows = list.items
    .filter((m) => m.runId === run)
    .map((m) => ({ name: t(`recommend.algorithms.${m.algorithm}`), precision: m.metrics.precision, recall: m.metrics.recall, ndcg: m.metrics.ndcg }))
    .reverse();
  return (
    <section className="card chart-card" data-testid="rec-compare">
      <header className="chart-head">
        <h3>{t('recommend.compare.title')}</h3>
        <div className="muted small">{t('recommend.compare.hint')}</div>
      </header>
      {rows.length === 0 ? (
        <p className="muted">{t('recommend.compare.empty')}</p>
      ) : (
        <div className="chart-body" style={{ height: 260 }}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={rows} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
              <CartesianGrid stroke={PALETTE.grid} vertical={false} />
              <XAxis dataKey="name" tick={{ fill: PALETTE.axis, fontSize: 12 }} />
              <YAxis tick={{ fill: PALETTE.axis, fontSize: 12 }} tickFormatter={(v: number) => v.toFixed(2)} width={40} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? metric(v) : String(v))} />
              <Legend />
              <Bar dataKey="precision" name={t('recommend.compare.precision')} fill={PALETTE.active} />
              <Bar dataKey="recall" name={t('recommend.compare.recall')} fill={PALETTE.revenue} />
              <Bar dataKey="ndcg" name={t('recommend.compare.ndcg')} fill={PALETTE.events} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </section>
  );
}

function Versions({ list, onChanged }: { list: ModelList; onChanged: (next: ModelList) => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { api } = useWorkspace();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError>();
  const promote = async (m: ModelVersion) => {
    setBusy(m.id);
    setError(undefined);
    try {
      onChanged(await api.promoteModel(m.id));
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(null);
    }
  };
  const c = (k: 'version' | 'algorithm' | 'precision' | 'recall' | 'ndcg' | 'trainMs' | 'created') => t(`recommend.versions.columns.${k}`);
  return (
    <section className="card table-card">
      <div className="table-head">
        <h3>{t('recommend.versions.title')}</h3>
      </div>
      {error ? <InlineError error={error} /> : null}
      {list.items.length === 0 ? (
        <p className="muted">{t('recommend.versions.empty')}</p>
      ) : (
        <div className="table-scroll">
          <table className="table" data-testid="rec-versions">
            <thead>
              <tr>
                <th>{c('version')}</th>
                <th>{c('algorithm')}</th>
                <th className="num">{c('precision')}</th>
                <th className="num">{c('recall')}</th>
                <th className="num">{c('ndcg')}</th>
                <th className="num">{c('trainMs')}</th>
                <th>{c('created')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.items.map((m) => (
                <tr key={m.id} data-testid="rec-version" data-algorithm={m.algorithm} data-promoted={m.promoted ? 'true' : 'false'}>
                  <td>v{m.version}</td>
                  <td>{t(`recommend.algorithms.${m.algorithm}`)}</td>
                  <td className="num">{metric(m.metrics.precision)}</td>
                  <td className="num">{metric(m.metrics.recall)}</td>
                  <td className="num">{metric(m.metrics.ndcg)}</td>
                  <td className="num">{t('recommend.versions.ms', { ms: fmt.number(m.trainMs) })}</td>
                  <td className="nowrap">{fmt.dateTime(m.createdAt)}</td>
                  <td>
                    {m.promoted ? (
                      <span className="badge badge-ok">{t('recommend.promoted')}</span>
                    ) : (
                      <button type="button" className="btn btn-sm" disabled={busy !== null} onClick={() => void promote(m)} data-testid="rec-promote">
                        {busy === m.id ? t('recommend.promoting') : t('recommend.promote')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Lookup() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const { api } = useWorkspace();
  const lang = asLanguage(i18n.language);
  const [customer, setCustomer] = useState('');
  const [result, setResult] = useState<RecommendationList | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!customer.trim()) return;
    setLoading(true);
    setError(undefined);
    try {
      setResult(await api.lookupRecommendations(customer.trim(), 10));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setLoading(false);
    }
  };
  return (
    <section className="card" data-testid="rec-lookup">
      <h3 className="card-title">{t('recommend.lookup.title')}</h3>
      <p className="muted small">{t('recommend.lookup.hint')}</p>
      <form className="toolbar" onSubmit={(e) => void submit(e)}>
        <input className="input" value={customer} onChange={(e) => setCustomer(e.target.value)} placeholder={t('recommend.lookup.placeholder')} data-testid="rec-lookup-input" />
        <button type="submit" className="btn" disabled={loading} data-testid="rec-lookup-submit">
          {loading ? <Spinner small /> : null} {t('recommend.lookup.submit')}
        </button>
      </form>
      {error ? <InlineError error={error} /> : null}
      {result ? (
        <div data-testid="rec-lookup-result" data-source={result.source}>
          <p className="small muted">
            {t(`recommend.lookup.source.${result.source}`, { count: result.historySize })}
            {result.profileId ? '' : ` · ${t('recommend.lookup.unknown')}`}
          </p>
          {result.items.length === 0 ? (
            <p className="muted">{t('recommend.lookup.empty')}</p>
          ) : (
            <table className="table table-compact">
              <thead>
                <tr>
                  <th>{t('recommend.lookup.columns.product')}</th>
                  <th>{t('recommend.lookup.columns.category')}</th>
                  <th className="num">{t('recommend.lookup.columns.price')}</th>
                  <th>{t('recommend.lookup.columns.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {result.items.map((it) => (
                  <tr key={it.productId} data-testid="rec-item" data-reason={it.reason.kind}>
                    <td>
                      {it.names[lang] ?? it.name} <span className="muted small">{it.productId}</span>
                    </td>
                    <td>{it.category ?? ''}</td>
                    <td className="num">{it.price === null ? '' : fmt.currency(it.price, it.currency)}</td>
                    <td data-testid="rec-reason">{it.reason.text[lang]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ) : null}
    </section>
  );
}

const ids = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

function Rules({ settings, onSaved }: { settings: RecommendSettings; onSaved: (s: RecommendSettings) => void }) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const [rules, setRules] = useState(settings.rules);
  const [training, setTraining] = useState(settings.training);
  const [boost, setBoost] = useState(settings.rules.boost.join(', '));
  const [bury, setBury] = useState(settings.rules.bury.join(', '));
  const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<ApiError>();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setState('saving');
    setError(undefined);
    try {
      onSaved(await api.updateRecommendSettings({ rules: { ...rules, boost: ids(boost), bury: ids(bury) }, training }));
      setState('saved');
    } catch (err) {
      setError(asApiError(err));
      setState('idle');
    }
  };
  const check = (key: 'excludePurchased' | 'inStockOnly') => (
    <label className="choice">
      <input type="checkbox" checked={rules[key]} onChange={(e) => setRules({ ...rules, [key]: e.target.checked })} data-testid={`rec-rule-${key}`} /> {t(`recommend.rules.${key}`)}
    </label>
  );
  return (
    <section className="card" data-testid="rec-rules">
      <h3 className="card-title">{t('recommend.rules.title')}</h3>
      <p className="muted small">{t('recommend.rules.hint')}</p>
      <form className="rec-form" onSubmit={(e) => void save(e)}>
        {check('excludePurchased')}
        {check('inStockOnly')}
        <label className="field">
          <span>{t('recommend.rules.maxPerCategory')}</span>
          <input className="input" type="number" min={1} max={100} value={rules.maxPerCategory ?? ''} onChange={(e) => setRules({ ...rules, maxPerCategory: e.target.value === '' ? null : Number(e.target.value) })} data-testid="rec-rule-maxPerCategory" />
        </label>
        <label className="field">
          <span>{t('recommend.rules.boost')}</span>
          <input className="input" value={boost} onChange={(e) => setBoost(e.target.value)} data-testid="rec-rule-boost" />
        </label>
        <label className="field">
          <span>{t('recommend.rules.bury')}</span>
          <input className="input" value={bury} onChange={(e) => setBury(e.target.value)} data-testid="rec-rule-bury" />
        </label>
        <label className="field">
          <span>{t('recommend.rules.attributionDays')}</span>
          <input className="input" type="number" min={1} max={90} value={rules.attributionDays} onChange={(e) => setRules({ ...rules, attributionDays: Number(e.target.value) })} />
        </label>
        <label className="choice">
          <input type="checkbox" checked={training.autoPromote} onChange={(e) => setTraining({ ...training, autoPromote: e.target.checked })} /> {t('recommend.rules.autoPromote')}
        </label>
        <label className="field">
          <span>{t('recommend.rules.everyHours')}</span>
          <input className="input" type="number" min={0} max={720} value={training.everyHours} onChange={(e) => setTraining({ ...training, everyHours: Number(e.target.value) })} />
        </label>
        {error ? <InlineError error={error} /> : null}
        <div>
          <button type="submit" className="btn btn-primary" disabled={state === 'saving'} data-testid="rec-rules-save">
            {state === 'saving' ? t('recommend.rules.saving') : t('recommend.rules.save')}
          </button>{' '}
          {state === 'saved' ? <span className="muted small" data-testid="rec-rules-saved">{t('recommend.rules.saved')}</span> : null}
        </div>
      </form>
    </section>
  );
}

function Online({ metrics, list }: { metrics: OnlineMetrics; list: ModelList | undefined }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const m = metrics.total;
  const nameOf = (id: string | null, algorithm: string | null) => {
    const v = list?.items.find((x) => x.id === id);
    return v ? `v${v.version} · ${t(`recommend.algorithms.${v.algorithm}`)}` : algorithm ?? t('recommend.online.noModel');
  };
  return (
    <section className="card" data-testid="rec-online">
      <h3 className="card-title">{t('recommend.online.title')}</h3>
      {m.slots === 0 ? <p className="muted small">{t('recommend.online.empty')}</p> : null}
      <div className="stats stats-3">
        {(
          [
            ['impressions', fmt.number(m.impressions)],
            ['clicks', fmt.number(m.clicks)],
            ['ctr', fmt.percent(m.ctr)],
            ['purchases', fmt.number(m.purchases)],
            ['conversion', fmt.percent(m.conversion)],
            ['revenue', fmt.number(m.revenue)],
          ] as const
        ).map(([k, v]) => (
          <div className="stat" key={k}>
            <div className="muted small">{t(`recommend.online.${k}`)}</div>
            <div className="stat-value" data-testid={`rec-online-${k}`}>{v}</div>
          </div>
        ))}
      </div>
      {metrics.byModel.length > 0 ? (
        <table className="table table-compact">
          <thead>
            <tr>
              <th>{t('recommend.online.model')}</th>
              <th className="num">{t('recommend.online.impressions')}</th>
              <th className="num">{t('recommend.online.ctr')}</th>
              <th className="num">{t('recommend.online.conversion')}</th>
              <th className="num">{t('recommend.online.revenue')}</th>
            </tr>
          </thead>
          <tbody>
            {metrics.byModel.map((r) => (
              <tr key={r.modelId ?? 'none'}>
                <td>{nameOf(r.modelId, r.algorithm)}</td>
                <td className="num">{fmt.number(r.impressions)}</td>
                <td className="num">{fmt.percent(r.ctr)}</td>
                <td className="num">{fmt.percent(r.conversion)}</td>
                <td className="num">{fmt.number(r.revenue)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/**
 * Recommendations: model versions with their offline metrics and a comparison of algorithms on
 * this workspace's data, training with progress, promotion, a lookup of any customer's list with
 * reasons, the serving rules and the online results.
 */
export default function RecommendationsPage() {
  const { t } = useTranslation();
  const { workspace, api } = useWorkspace();
  const models = useResource((signal) => api.recommendModels(signal), [workspace.id]);
  const settings = useResource((signal) => api.recommendSettings(signal), [workspace.id]);
  const metrics = useResource((signal) => api.recommendMetrics(30, signal), [workspace.id]);
  const [list, setList] = useState<ModelList>();
  useEffect(() => setList(models.data), [models.data]);
  const reload = () => {
    models.reload();
    metrics.reload();
  };
  return (
    <div className="page" data-testid="recommendations-page">
      <PageHeader title={t('recommend.title')} subtitle={t('recommend.subtitle')} actions={<TrainControl onDone={reload} />} />
      {!list ? (
        models.error ? <ErrorState error={models.error} onRetry={models.reload} /> : <LoadingState />
      ) : (
        <>
          {list.items.length === 0 && list.runs.length === 0 ? <EmptyState icon="recommendations" title={t('recommend.status.none')} body={t('recommend.compare.empty')} testId="rec-empty" /> : null}
          <div className="rec-grid">
            <Status list={list} />
            <Compare list={list} />
          </div>
          <Versions list={list} onChanged={(next) => setList(next)} />
          <Lookup />
          <div className="rec-grid">
            {settings.data ? <Rules settings={settings.data} onSaved={() => settings.reload()} /> : settings.error ? <InlineError error={settings.error} /> : <LoadingState />}
            {metrics.data ? <Online metrics={metrics.data} list={list} /> : metrics.error ? <InlineError error={metrics.error} /> : <LoadingState />}
          </div>
        </>
      )}
    </div>
  );
}
