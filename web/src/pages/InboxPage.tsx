import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import type { ChatMessage, Conversation, ConversationContext } from '../../../src/assistant/assistant.schema';
import type { ConversationState } from '../../../src/assistant/dialogue';
import { PageHeader, Segmented } from '../components/Controls';
import { EmptyState, InlineError, LoadingState, Spinner } from '../components/States';
import { useFormat } from '../format';
import { useAction, useResource } from '../hooks';
import { asLanguage } from '../i18n';
import { useWorkspace } from '../session';
import '../assistant.css';

/** How often the inbox asks for news: "live enough" for a chat without a socket. */
const POLL_MS = 2_500;
const FILTERS = ['pending_human', 'human', 'bot', 'resolved', 'all'] as const;
type Filter = (typeof FILTERS)[number];

function useAssistantApi() {
  const { api } = useWorkspace();
  return { assistant: api };
}

function customerName(c: Conversation, t: (k: 'assistant.inbox.anonymous', o: { id: string }) => string): string {
  return c.userId ?? t('assistant.inbox.anonymous', { id: c.visitorId.slice(-6) });
}

function ConversationItem({ c, active, onOpen }: { c: Conversation; active: boolean; onOpen: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <li>
      <button type="button" className={`inbox-item${active ? ' is-active' : ''}`} onClick={onOpen} data-testid="inbox-conversation" data-id={c.id} data-state={c.state}>
        <span className="inbox-item-head">
          <strong>{customerName(c, t)}</strong>
          <span className={`inbox-state inbox-state-${c.state}`}>{t(`assistant.states.${c.state}`)}</span>
        </span>
        <span className="inbox-item-text">{c.lastText ?? ''}</span>
        <span className="inbox-item-meta">
          {fmt.relative(c.updatedAt)} · {t('assistant.inbox.messages', { count: c.messageCount })}
        </span>
      </button>
    </li>
  );
}

function Message({ m }: { m: ChatMessage }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <div className={`inbox-msg inbox-msg-${m.author}`} data-testid="inbox-message" data-author={m.author}>
      <div className="inbox-msg-who">
        {t(`assistant.inbox.author.${m.author}`)} · {fmt.dateTime(m.createdAt)}
      </div>
      {/* Text goes in as a React child: escaped, never parsed as HTML. */}
      <div className="inbox-msg-text">{m.text}</div>
      {m.articles.length > 0 ? (
        <div className="inbox-msg-refs">
          {m.articles.map((a) => (
            <span key={a.id} className="badge badge-muted">
              {a.title}
            </span>
          ))}
        </div>
      ) : null}
    </div>
  );
}

function ContextPanel({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const { assistant } = useAssistantApi();
  const lang = asLanguage(i18n.language);
  const ctx = useResource<ConversationContext>((signal) => assistant.conversationContext(id, signal), [id], { pollMs: 15_000 });
  if (!ctx.data) return ctx.error ? <InlineError error={ctx.error} onRetry={ctx.reload} /> : <Spinner />;
  const { profile, orders, recommendations } = ctx.data;
  return (
    <aside className="inbox-context" data-testid="inbox-context">
      <section className="card">
        <h3 className="card-title">{t('assistant.context.title')}</h3>
        {profile ? (
          <div data-testid="inbox-profile">
            <div className="inbox-profile-name">{profile.name ?? profile.userId ?? profile.email ?? profile.id}</div>
            {profile.email ? <div className="muted">{profile.email}</div> : null}
            <div className="muted">{t('assistant.context.stats', { orders: profile.orders, revenue: fmt.number(profile.revenue) })}</div>
            <Link className="row-link" to={`/customers/${encodeURIComponent(profile.id)}`}>
              {t('assistant.context.openProfile')}
            </Link>
          </div>
        ) : (
          <p className="muted">{t('assistant.context.anonymous')}</p>
        )}
      </section>
      <section className="card">
        <h3 className="card-title">{t('assistant.context.orders')}</h3>
        {orders.length === 0 ? (
          <p className="muted">{t('assistant.context.noOrders')}</p>
        ) : (
          <ul className="inbox-list-plain" data-testid="inbox-orders">
            {orders.map((o) => (
              <li key={o.orderId} data-testid="inbox-order">
                <strong>{o.orderId}</strong> · {fmt.date(o.placedAt)}
                <div className="muted">
                  {o.total !== null ? fmt.currency(o.total, o.currency ?? 'CNY') : ''} · {o.status in { placed: 1, shipped: 1, delivered: 1, cancelled: 1, refunded: 1 } ? t(`assistant.context.orderStatus.${o.status as 'placed'}`) : o.status}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card">
        <h3 className="card-title">{t('assistant.context.recommendations')}</h3>
        {recommendations.length === 0 ? (
          <p className="muted">{t('assistant.context.noRecommendations')}</p>
        ) : (
          <ul className="inbox-list-plain" data-testid="inbox-recommendations">
            {recommendations.map((r) => (
              <li key={r.productId} data-testid="inbox-recommendation">
                <strong>{r.names[lang] ?? r.name}</strong>
                {r.price !== null ? ` · ${fmt.currency(r.price, r.currency ?? 'CNY')}` : ''}
                {r.reason ? <div className="muted">{r.reason[lang]}</div> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </aside>
  );
}

function ConversationView({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const { assistant } = useAssistantApi();
  const detail = useResource((signal) => assistant.conversation(id, signal), [id], { pollMs: POLL_MS });
  const [text, setText] = useState('');
  const { busy, error, run } = useAction();
  const logRef = useRef<HTMLDivElement>(null);
  const count = detail.data?.messages.length ?? 0;
  useEffect(() => {
    logRef.current?.scrollTo({ top: logRef.current.scrollHeight });
  }, [count]);

  const act = (work: () => Promise<unknown>) => run(async () => {
    await work();
    detail.reload();
    onChanged();
  });
  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    if (await act(() => assistant.replyTo(id, text))) setText('');
  };

  if (!detail.data) return detail.error ? <InlineError error={detail.error} onRetry={detail.reload} /> : <LoadingState />;
  const { conversation: c, messages } = detail.data;
  return (
    <section className="inbox-chat card" data-testid="inbox-chat" data-state={c.state}>
      <div className="inbox-chat-head">
        <div>
          <strong>{customerName(c, t)}</strong> <span className={`inbox-state inbox-state-${c.state}`} data-testid="inbox-chat-state">{t(`assistant.states.${c.state}`)}</span>
          {c.userId && !c.verified ? <span className="badge badge-muted" data-testid="inbox-unverified">{t('assistant.inbox.unverified')}</span> : null}
          {c.handoffReason && c.handoffReason in { requested: 1, negative_sentiment: 1, complaint: 1, failed_answers: 1 } ? (
            <div className="muted">{t('assistant.inbox.handoff', { reason: t(`assistant.inbox.reasons.${c.handoffReason as 'requested'}`) })}</div>
          ) : null}
        </div>
        <div className="page-actions">
          {c.state === 'bot' || c.state === 'pending_human' ? (
            <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void act(() => assistant.takeOver(id))} data-testid="inbox-take-over">
              {t('assistant.inbox.takeOver')}
            </button>
          ) : null}
          {c.state !== 'resolved' ? (
            <button type="button" className="btn" disabled={busy} onClick={() => void act(() => assistant.resolveConversation(id))} data-testid="inbox-resolve">
              {t('assistant.inbox.resolve')}
            </button>
          ) : null}
        </div>
      </div>
      <div className="inbox-log" ref={logRef} data-testid="inbox-log">
        {messages.map((m) => (
          <Message key={m.seq} m={m} />
        ))}
      </div>
      {error ? <InlineError error={error} /> : null}
      {c.state === 'resolved' ? (
        <p className="muted inbox-note">{t('assistant.inbox.resolvedNote')}</p>
      ) : (
        <form className="inbox-reply" onSubmit={(e) => void send(e)}>
          {c.state === 'human' ? <p className="muted inbox-note">{t('assistant.inbox.agentHolds')}</p> : null}
          <textarea className="textarea" value={text} maxLength={10_000} onChange={(e) => setText(e.target.value)} placeholder={t('assistant.inbox.replyPlaceholder')} data-testid="inbox-reply-input" rows={3} />
          <button type="submit" className="btn btn-primary" disabled={busy || !text.trim()} data-testid="inbox-reply-send">
            {busy ? t('assistant.inbox.sending') : t('assistant.inbox.reply')}
          </button>
        </form>
      )}
    </section>
  );
}

/** The agent inbox: conversations by state, the chat, and the customer beside it. */
export default function InboxPage() {
  const { t } = useTranslation();
  const { assistant } = useAssistantApi();
  const [params, setParams] = useSearchParams();
  const [filter, setFilter] = useState<Filter>('all');
  const selected = params.get('c');
  const list = useResource((signal) => assistant.conversations(filter === 'all' ? undefined : (filter as ConversationState), signal), [filter], { pollMs: POLL_MS });
  const counts = list.data?.counts;
  const label = (f: Filter) => (f === 'all' ? t('assistant.inbox.all') : `${t(`assistant.states.${f}`)}${counts ? ` (${counts[f]})` : ''}`);
  return (
    <div className="page" data-testid="inbox-page">
      <PageHeader title={t('assistant.inbox.title')} subtitle={t('assistant.inbox.subtitle')} />
      <Segmented options={FILTERS.map((f) => ({ value: f, label: label(f) }))} value={filter} onChange={setFilter} label={t('assistant.inbox.title')} testId="inbox-filter" />
      <div className="inbox-grid">
        <div className="inbox-side card">
          {list.error && !list.data ? <InlineError error={list.error} onRetry={list.reload} /> : null}
          {!list.data && !list.error ? <Spinner /> : null}
          {list.data && list.data.items.length === 0 ? <EmptyState icon="assistant" title={t('assistant.inbox.empty')} /> : null}
          <ul className="inbox-items">
            {list.data?.items.map((c) => (
              <ConversationItem key={c.id} c={c} active={c.id === selected} onOpen={() => setParams({ c: c.id })} />
            ))}
          </ul>
        </div>
        {selected ? (
          <>
            <ConversationView key={selected} id={selected} onChanged={list.reload} />
            <ContextPanel id={selected} />
          </>
        ) : (
          <div className="card inbox-pick">
            <p className="muted">{t('assistant.inbox.pick')}</p>
          </div>
        )}
      </div>
    </div>
  );
}
