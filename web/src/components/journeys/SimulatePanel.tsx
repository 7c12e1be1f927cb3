import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StepOutcome } from '../../../../src/journeys/journey.state';
import type { ProfileSummary } from '../../../../src/profiles/profile.schema';
import { en } from '../../i18n/en';
import { hasTextIn } from '../../i18n/codes';
import { asApiError, type ApiError } from '../../api';
import { useFormat } from '../../format';
import { useDebounced, useResource } from '../../hooks';
import type { Timeline } from '../../journeys.endpoints';
import { useWorkspace } from '../../session';
import { Avatar, SearchInput } from '../Controls';
import { Icon } from '../Icon';
import { InlineError, Spinner } from '../States';
import type { Draft } from './flow';

type Picked = Pick<ProfileSummary, 'id' | 'name' | 'email' | 'userId'>;
const who = (p: Picked) => p.name ?? p.email ?? p.userId ?? p.id;

function CustomerSearch({ onPick }: { onPick: (p: Picked) => void }) {
  const { t } = useTranslation();
  const { workspace, api } = useWorkspace();
  const [query, setQuery] = useState('');
  const q = useDebounced(query.trim(), 300);
  const matches = useResource((signal) => (q ? api.profiles({ q, limit: 6, offset: 0 }, signal) : Promise.resolve(null)), [q, workspace.id]);
  const items = matches.data?.items ?? [];
  return (
    <div className="picker">
      <SearchInput value={query} onChange={setQuery} placeholder={t('journeys.simulate.search')} testId="sim-search" />
      {q && matches.loading && !matches.data ? <Spinner small /> : null}
      {q && matches.data && items.length === 0 ? <p className="muted small">{t('journeys.simulate.noMatch')}</p> : null}
      <ul className="jsim-options">
        {items.map((p) => (
          <li key={p.id}>
            <button type="button" className="btn btn-ghost jsim-option" onClick={() => onPick(p)} data-testid="sim-option">
              <Avatar name={who(p)} seed={p.id} size={24} />
              <span>{who(p)}</span>
              <span className="muted small">{p.email ?? p.userId ?? ''}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Why a simulation stopped, when we have words for it. */
const hasStopText = hasTextIn(en.journeys.simulate.reasons);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
const rec = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) /* checked: a non-array object */ : {});

const OUTCOMES = new Set<string>(Object.keys(en.journeys.simulate.outcomes));
const isOutcome = (o: string): o is StepOutcome => OUTCOMES.has(o);
const HANDLES = new Set<string>(Object.keys(en.journeys.handles));
const isHandle = (h: string): h is keyof typeof en.journeys.handles => HANDLES.has(h);

/** One timeline item in words; the server sends its TimelineItem union as plain JSON (journey.simulate.ts). */
function Row({ item, draft, start }: { item: Timeline[number]; draft: Draft; start: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const at = typeof item.at === 'number' ? item.at : start;
  const step = rec(item.step);
  const nodeId = str(item.nodeId) || str(step.nodeId);
  const node = draft.nodes.find((n) => n.id === nodeId);
  const kind = str(item.kind);
  const outcomeText = (o: string) => (isOutcome(o) ? t(`journeys.simulate.outcomes.${o}`) : o);
  const handleText = (h: string) => (isHandle(h) ? t(`journeys.handles.${h}`) : h);
  let outcome: string;
  let detail: { subject: string; text: string } | null = null;
  switch (kind) {
    case 'step':
      outcome = [t('journeys.simulate.kinds.step'), outcomeText(str(step.outcome)), str(step.handle) ? `→ ${handleText(str(step.handle))}` : ''].filter(Boolean).join(' · ');
      break;
    case 'message': {
      const rendered = rec(item.rendered);
      outcome = t('journeys.simulate.kinds.message', { channel: t(`messaging.channels.${str(item.channel) === 'sms' ? 'sms' : str(item.channel) === 'webhook' ? 'webhook' : 'email'}`) });
      detail = { subject: str(rendered.subject), text: str(rendered.text) };
      break;
    }
    case 'webhook':
      outcome = t('journeys.simulate.kinds.webhook', { method: str(item.method), url: str(item.url), result: item.ok ? t('journeys.simulate.ok') : t('journeys.simulate.notOk') });
      break;
    case 'trait':
      outcome = t('journeys.simulate.kinds.trait', { key: str(rec(item.change).key) });
      break;
    case 'event':
      outcome = t('journeys.simulate.kinds.event', { name: str(rec(item.event).name) });
      break;
    case 'stopped': {
      const reason = str(item.reason);
      outcome = t('journeys.simulate.kinds.stopped', { reason: hasStopText(reason) ? t(`journeys.simulate.reasons.${reason}`) : reason, status: str(item.status) });
      break;
    }
    default:
      outcome = kind;
  }
  return (
    <tr data-testid="sim-row" data-kind={kind}>
      <td className="nowrap">
        {fmt.dateTime(new Date(at).toISOString())}
        <div className="muted small">+{Math.round((at - start) / 60_000)} min</div>
      </td>
      <td>{node ? <span className={`jtype jtype-${node.type}`}>{node.label || t(`journeys.types.${node.type}`)}</span> : null} {nodeId ? <code className="small">{nodeId}</code> : null}</td>
      <td>
        {outcome}
        {detail ? (
          <div className="jsim-message" data-testid="sim-message">
            {detail.subject ? <strong>{detail.subject}</strong> : null}
            {detail.text ? <div className="muted small">{detail.text}</div> : null}
          </div>
        ) : null}
      </td>
    </tr>
  );
}

/** Dry-runs the journey for one customer on the server's virtual clock and shows what would happen. */
export function SimulatePanel({ journeyId, draft, published, onClose }: { journeyId: string; draft: Draft; published: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const [profile, setProfile] = useState<Picked | null>(null);
  const [useDraft, setUseDraft] = useState(!published);
  const [eventName, setEventName] = useState(draft.entry.kind === 'event' ? draft.entry.event.name : '');
  const [maxDays, setMaxDays] = useState(30);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [result, setResult] = useState<{ timeline: Timeline; start: number }>();

  const run = async () => {
    if (!profile) return;
    setRunning(true);
    setError(undefined);
    const start = Date.now();
    try {
      const res = await api.simulateJourney(journeyId, {
        profileId: profile.id,
        startAt: new Date(start).toISOString(),
        startEvent: eventName ? { name: eventName, properties: {} } : null,
        maxDays,
        draft: useDraft,
      });
      setResult({ timeline: res.timeline, start });
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setRunning(false);
    }
  };

  return (
    <section className="card jsim" data-testid="simulate-panel">
      <div className="row-between">
        <h3 className="card-title">{t('journeys.simulate.title')}</h3>
        <button type="button" className="btn btn-ghost btn-sm" onClick={onClose} aria-label={t('journeys.simulate.close')}><Icon name="close" size={14} /></button>
      </div>
      <p className="jsim-note" data-testid="sim-nothing-sent"><Icon name="alert" size={14} /> {t('journeys.simulate.hint')}</p>
      <div className="jsim-form">
        <div className="field">
          <span>{t('journeys.simulate.customer')}</span>
          {profile ? (
            <div className="jrow" data-testid="sim-profile">
              <Avatar name={who(profile)} seed={profile.id} size={24} /> <strong>{who(profile)}</strong>
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => setProfile(null)}>{t('journeys.simulate.change')}</button>
            </div>
          ) : (
            <CustomerSearch onPick={setProfile} />
          )}
        </div>
        {draft.entry.kind === 'event' ? (
          <label className="field">
            <span>{t('journeys.simulate.startEvent')}</span>
            <input value={eventName} onChange={(e) => setEventName(e.target.value)} data-testid="sim-event" />
          </label>
        ) : null}
        <label className="field">
          <span>{t('journeys.simulate.maxDays')}</span>
          <input type="number" min={1} max={365} value={maxDays} onChange={(e) => setMaxDays(Math.max(1, Math.min(365, Math.round(Number(e.target.value) || 1))))} />
        </label>
        <label className="jcheck">
          <input type="checkbox" checked={useDraft} disabled={!published} onChange={(e) => setUseDraft(e.target.checked)} data-testid="sim-draft" /> {t('journeys.simulate.draft')}
        </label>
        <button type="button" className="btn btn-primary" disabled={!profile || running} onClick={() => void run()} data-testid="sim-run">
          {running ? <Spinner small /> : null} {running ? t('journeys.simulate.running') : t('journeys.simulate.run')}
        </button>
      </div>
      {error ? <InlineError error={error} /> : null}
      {result ? (
        <div className="table-scroll">
          <table className="table table-compact" data-testid="sim-timeline">
            <thead><tr><th>{t('journeys.simulate.columns.time')}</th><th>{t('journeys.simulate.columns.node')}</th><th>{t('journeys.simulate.columns.outcome')}</th></tr></thead>
            <tbody>{result.timeline.map((item, i) => <Row key={i} item={item} draft={draft} start={result.start} />)}</tbody>
          </table>
        </div>
      ) : (
        <p className="muted small">{t('journeys.simulate.empty')}</p>
      )}
    </section>
  );
}
