import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StoredEvent } from '../../../src/profiles/profile.schema';
import type { Endpoints } from '../endpoints';
import { useFormat } from '../format';
import { useAction } from '../hooks';
import { keyTraits } from '../values';
import { Icon, type IconName } from './Icon';
import { InlineError, Spinner } from './States';

const TYPE_ICON: Record<StoredEvent['type'], IconName> = {
  identify: 'user',
  track: 'bolt',
  page: 'page',
  screen: 'screen',
  group: 'group',
  alias: 'link',
};

function EventItem({ event, now }: { event: StoredEvent; now: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [open, setOpen] = useState(false);
  const typeLabel = t(`profile.timeline.types.${event.type}`);
  const summary = keyTraits(event.properties, 3);
  return (
    <li className={`tl-item tl-${event.type}`} data-testid="timeline-event">
      <span className="tl-icon">
        <Icon name={TYPE_ICON[event.type]} size={14} />
      </span>
      <div className="tl-body">
        <div className="tl-head">
          <strong className="tl-name">{event.name ?? typeLabel}</strong>
          <span className="badge badge-type">{typeLabel}</span>
          <span className="tl-time muted small" title={fmt.dateTime(event.timestamp)}>
            {fmt.relative(event.timestamp, now)}
          </span>
          <button
            type="button"
            className={`btn btn-ghost btn-sm tl-toggle${open ? ' is-open' : ''}`}
            onClick={() => setOpen((o) => !o)}
            aria-expanded={open}
            aria-label={open ? t('profile.timeline.hideDetails') : t('profile.timeline.showDetails')}
            title={open ? t('profile.timeline.hideDetails') : t('profile.timeline.showDetails')}
            data-testid="timeline-toggle"
          >
            <Icon name="chevronDown" size={14} />
          </button>
        </div>
        {summary.length ? (
          <div className="chips">
            {summary.map(([k, v]) => (
              <span className="chip" key={k}>
                <span className="chip-key">{k}</span> {v}
              </span>
            ))}
          </div>
        ) : null}
        {open ? (
          <div className="tl-details" data-testid="timeline-details">
            <div className="muted small">{t('profile.timeline.properties')}</div>
            <pre className="code">{JSON.stringify(event.properties, null, 2)}</pre>
            <div className="muted small">{t('profile.timeline.context')}</div>
            <pre className="code">{JSON.stringify(event.context, null, 2)}</pre>
            <div className="muted small mono">messageId {event.messageId} · {fmt.dateTime(event.timestamp)}</div>
          </div>
        ) : null}
      </div>
    </li>
  );
}

/** Events in the profile view's first page (ProfileService.get). */
const FIRST_PAGE = 50;

/** Events grouped by local day, newest first, with "load more" paging back through history. */
export function Timeline({
  profileId,
  initial,
  api,
  now,
}: {
  profileId: string;
  /** The profile view's first page of events (at most FIRST_PAGE): a full page may have more behind it. */
  initial: StoredEvent[];
  api: Endpoints;
  now: number;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [events, setEvents] = useState(initial);
  const [cursor, setCursor] = useState<string | null>(initial.length >= FIRST_PAGE ? (initial.at(-1)?.timestamp ?? null) : null);
  const { busy, error, run } = useAction();

  const loadMore = async () => {
    if (!cursor) return;
    await run(async () => {
      const page = await api.profileEvents(profileId, cursor);
      const seen = new Set(events.map((e) => e.id));
      const next = [...events, ...page.items.filter((e) => !seen.has(e.id))];
      setEvents(next);
      // The server ends the history with a short page (nextBefore null).
      setCursor(page.items.length ? page.nextBefore : null);
    });
  };

  if (events.length === 0) return <p className="muted">{t('profile.timeline.empty')}</p>;

  const days = new Map<string, StoredEvent[]>();
  for (const e of events) {
    const day = fmt.date(e.timestamp);
    days.set(day, [...(days.get(day) ?? []), e]);
  }

  return (
    <div className="timeline" data-testid="timeline">
      {[...days].map(([day, list]) => (
        <section key={day}>
          <h4 className="tl-day">{day}</h4>
          <ol className="tl-list">
            {list.map((e) => (
              <EventItem key={e.id} event={e} now={now} />
            ))}
          </ol>
        </section>
      ))}
      {error ? <InlineError error={error} onRetry={() => void loadMore()} /> : null}
      <div className="tl-more">
        {cursor ? (
          <button type="button" className="btn" onClick={() => void loadMore()} disabled={busy} data-testid="timeline-more">
            {busy ? (
              <>
                <Spinner small /> {t('profile.timeline.loadingMore')}
              </>
            ) : (
              t('profile.timeline.loadMore')
            )}
          </button>
        ) : (
          <span className="muted small">{t('profile.timeline.end')}</span>
        )}
      </div>
    </div>
  );
}
