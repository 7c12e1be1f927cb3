import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import type { JourneyView } from '../../../src/journeys/journey.api.schema';
import { asApiError, type ApiError } from '../api';
import { Icon } from '../components/Icon';
import { LookupsProvider, type JourneyLookups } from '../components/journeys/context';
import { ENTRY_ID, issuesOf, issueTarget, newNode, nextId, NODE_TYPES, readDraft, replaceNode, removeNodes, type Draft, type DraftNode, type Issue } from '../components/journeys/flow';
import { IssueList } from '../components/journeys/IssueList';
import { JourneyCanvas } from '../components/journeys/JourneyCanvas';
import { JourneyStatusChip } from '../components/journeys/JourneyStatusChip';
import { NodePanel } from '../components/journeys/NodePanel';
import { SettingsPanel } from '../components/journeys/SettingsPanel';
import { SimulatePanel } from '../components/journeys/SimulatePanel';
import type { BuilderContext } from '../components/segments/builderContext';
import { ErrorState, InlineError, LoadingState, Spinner } from '../components/States';
import { useDocumentTitle, useResource } from '../hooks';
import { useWorkspace } from '../session';
import '../journeys.css';
import '../segments.css';

const COUNTS_POLL_MS = 5_000;
const ROW = 190;
const COL = 270;

/** Where a new step goes: below the selected card (or the lowest one), moved right past any card already there. */
function placeFor(draft: Draft, selected: string | null): { x: number; y: number } {
  const cards = [{ id: ENTRY_ID, position: draft.entry.position ?? { x: 80, y: 40 } }, ...draft.nodes];
  const anchor = cards.find((c) => c.id === selected) ?? cards.reduce((a, b) => (b.position.y > a.position.y ? b : a));
  const y = anchor.position.y + ROW;
  let x = anchor.position.x;
  while (cards.some((c) => Math.abs(c.position.x - x) < COL - 20 && Math.abs(c.position.y - y) < ROW - 40)) x += COL;
  return { x, y };
}

function Builder({ initial, lookups, builder }: { initial: JourneyView; lookups: JourneyLookups; builder: BuilderContext }) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const [journey, setJourney] = useState(initial);
  const [name, setName] = useState(initial.name);
  const [draft, setDraft] = useState<Draft>(() => readDraft(initial.definition));
  const [dirty, setDirty] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [busy, setBusy] = useState<'save' | 'publish' | 'pause' | 'resume' | 'archive' | null>(null);
  const [error, setError] = useState<ApiError>();
  const [issues, setIssues] = useState<Issue[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [simulating, setSimulating] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  useDocumentTitle(journey.name);
  // Closing the tab with unsaved canvas changes asks first (the draft lives only in this page until saved).
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const published = journey.currentVersion !== null;
  const readOnly = journey.status === 'archived';
  const counts = useResource((signal) => (published ? api.journeyCounts(journey.id, signal) : Promise.resolve(undefined)), [journey.id, journey.currentVersion], { pollMs: COUNTS_POLL_MS });

  const byTarget = useMemo(() => {
    const out = new Map<string, Issue[]>();
    for (const issue of issues) {
      const target = issueTarget(issue, draft);
      if (target) out.set(target, [...(out.get(target) ?? []), issue]);
    }
    return out;
  }, [issues, draft]);

  const change = (next: Draft) => {
    setDraft(next);
    setDirty(true);
    setNotice(null);
  };

  const addNode = (type: DraftNode['type']) => {
    const taken = new Set(draft.nodes.map((n) => n.id));
    const id = nextId(type, taken);
    change({ ...draft, nodes: [...draft.nodes, newNode(type, id, placeFor(draft, selected))] });
    setSelected(id);
    setAdded(id);
  };

  const fail = (e: unknown) => {
    const err = asApiError(e);
    const found = issuesOf(err.details);
    setIssues(found);
    setError(found.length ? undefined : err);
  };

  const save = async (): Promise<boolean> => {
    setBusy('save');
    setError(undefined);
    try {
      const saved = await api.updateJourney(journey.id, { name: name.trim() || journey.name, definition: draft });
      setJourney(saved);
      setDirty(false);
      setNotice(t('journeys.builder.saved'));
      return true;
    } catch (e) {
      fail(e);
      return false;
    } finally {
      setBusy(null);
    }
  };

  const publish = async () => {
    if (dirty && !(await save())) return;
    setBusy('publish');
    setError(undefined);
    setIssues([]);
    try {
      const next = await api.publishJourney(journey.id);
      setJourney(next);
      setNotice(t('journeys.builder.published', { version: next.currentVersion ?? 0 }));
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };

  const act = async (action: 'pause' | 'resume' | 'archive') => {
    if (action === 'archive' && !window.confirm(t('journeys.builder.archiveConfirm'))) return;
    setBusy(action);
    setError(undefined);
    try {
      setJourney(await api.journeyAction(journey.id, action));
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };

  const node = draft.nodes.find((n) => n.id === selected);
  const banner =
    journey.status === 'draft' && !published ? t('journeys.builder.draftBanner')
    : journey.status === 'paused' ? t('journeys.builder.pausedBanner')
    : published ? t('journeys.builder.versionBanner', { version: journey.currentVersion ?? 0 })
    : null;

  return (
    <LookupsProvider value={lookups}>
      <div className="page jbuilder-page" data-testid="journey-builder">
        <Link to="/journeys" className="back-link"><Icon name="chevronLeft" size={16} /> {t('journeys.builder.back')}</Link>
        <header className="jbuilder-head">
          <input className="input jname" value={name} aria-label={t('journeys.builder.name')} disabled={readOnly} onChange={(e) => { setName(e.target.value); setDirty(true); }} data-testid="journey-name" />
          <JourneyStatusChip status={journey.status} />
          {published ? <span className="badge" data-testid="journey-version">{t('journeys.list.versionN', { version: journey.currentVersion })}</span> : null}
          <span className="muted small" data-testid="journey-notice">{dirty ? t('journeys.builder.unsaved') : notice}</span>
          <div className="topbar-spacer" />
          <button type="button" className="btn" onClick={() => setSimulating((s) => !s)} data-testid="journey-simulate">{t('journeys.builder.simulate')}</button>
          {readOnly ? null : (
            <>
              <button type="button" className="btn" disabled={busy !== null} onClick={() => void save()} data-testid="journey-save">
                {busy === 'save' ? <Spinner small /> : null} {busy === 'save' ? t('journeys.builder.saving') : t('journeys.builder.save')}
              </button>
              <button type="button" className="btn btn-primary" disabled={busy !== null} onClick={() => void publish()} data-testid="journey-publish">
                {busy === 'publish' ? <Spinner small /> : null} {busy === 'publish' ? t('journeys.builder.publishing') : t('journeys.builder.publish')}
              </button>
              {journey.status === 'active' ? <button type="button" className="btn" disabled={busy !== null} onClick={() => void act('pause')} data-testid="journey-pause">{t('journeys.builder.pause')}</button> : null}
              {journey.status === 'paused' ? <button type="button" className="btn" disabled={busy !== null} onClick={() => void act('resume')} data-testid="journey-resume">{t('journeys.builder.resume')}</button> : null}
              <button type="button" className="btn btn-ghost btn-danger-text" disabled={busy !== null} onClick={() => void act('archive')} data-testid="journey-archive">{t('journeys.builder.archive')}</button>
            </>
          )}
        </header>
        {banner ? <div className="jbanner" data-testid="journey-banner"><Icon name="alert" size={14} /> {banner}</div> : null}
        {error ? <InlineError error={error} /> : null}
        {counts.error ? <InlineError error={counts.error} onRetry={counts.reload} /> : null}
        <IssueList issues={issues} onSelect={setSelected} />
        {simulating ? <SimulatePanel journeyId={journey.id} draft={draft} published={published} onClose={() => setSimulating(false)} /> : null}
        <div className="jbuilder">
          {readOnly ? null : (
            <aside className="card jpalette" data-testid="palette">
              <h3 className="card-title">{t('journeys.builder.palette')}</h3>
              {NODE_TYPES.map((type) => (
                <button key={type} type="button" className="jpalette-item" onClick={() => addNode(type)} data-testid={`palette-${type}`}>
                  <span className={`jtype jtype-${type}`}>{t(`journeys.types.${type}`)}</span>
                </button>
              ))}
              <p className="muted small">{t('journeys.builder.paletteHint')}</p>
            </aside>
          )}
          <JourneyCanvas draft={draft} onChange={change} selected={selected} onSelect={setSelected} counts={counts.data} issues={byTarget} readOnly={readOnly} focus={added} />
          <div className="jside">
            {node ? (
              <NodePanel
                key={node.id}
                node={node}
                builder={builder}
                readOnly={readOnly}
                onChange={(n) => change(replaceNode(draft, n))}
                onRemove={() => { change(removeNodes(draft, new Set([node.id]))); setSelected(null); }}
              />
            ) : (
              <p className="muted small jside-hint">{t('journeys.builder.selectHint')}</p>
            )}
            <SettingsPanel draft={draft} builder={builder} onChange={change} readOnly={readOnly} />
          </div>
        </div>
      </div>
    </LookupsProvider>
  );
}

/** One journey on a canvas: edit the draft, publish versions, watch live counts, simulate. */
export default function JourneyBuilderPage() {
  const { id = '' } = useParams();
  const { workspace, api } = useWorkspace();
  const journey = useResource((signal) => api.journey(id, signal), [id, workspace.id]);
  const templates = useResource((signal) => api.templates(signal), [workspace.id]);
  const segments = useResource((signal) => api.segments(signal), [workspace.id]);
  const fields = useResource((signal) => api.segmentFields(signal), [workspace.id]);
  const lookups = useMemo<JourneyLookups>(() => ({ templates: templates.data?.items ?? [], segments: segments.data?.items ?? [] }), [templates.data, segments.data]);
  const builder = useMemo<BuilderContext>(() => ({ catalog: fields.data, errors: new Map(), incomplete: new Set() }), [fields.data]);
  if (journey.error) return <div className="page"><ErrorState error={journey.error} onRetry={journey.reload} /></div>;
  if (!journey.data || journey.data.id !== id) return <LoadingState />;
  return (
    <>
      {templates.error ? <InlineError error={templates.error} onRetry={templates.reload} /> : null}
      <Builder key={journey.data.id} initial={journey.data} lookups={lookups} builder={builder} />
    </>
  );
}
