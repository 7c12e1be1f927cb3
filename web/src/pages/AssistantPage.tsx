import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AskResponse } from '../../../src/assistant/assistant.schema';
import type { Article } from '../../../src/assistant/kb.schema';
import { asApiError, type ApiError } from '../api';
import { CopyButton, PageHeader, SearchInput } from '../components/Controls';
import { EmptyState, InlineError, Spinner } from '../components/States';
import { useAction, useResource } from '../hooks';
import { useWorkspace } from '../session';
import '../assistant.css';

type Draft = { id: string | null; language: 'zh' | 'en'; title: string; body: string; questions: string };
const blank: Draft = { id: null, language: 'en', title: '', body: '', questions: '' };

function ArticleForm({ draft, onDone }: { draft: Draft; onDone: () => void }) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const [d, setD] = useState(draft);
  const { busy, error, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { language: d.language, title: d.title, body: d.body, questions: d.questions.split('\n').map((q) => q.trim()).filter(Boolean) };
    await run(async () => {
      if (d.id) await api.updateArticle(d.id, body);
      else await api.createArticle(body);
      onDone();
    });
  };
  return (
    <form className="kb-form card" onSubmit={(e) => void submit(e)} data-testid="kb-form">
      <label>
        {t('assistant.kb.language')}{' '}
        <select value={d.language} onChange={(e) => setD({ ...d, language: e.target.value === 'zh' ? 'zh' : 'en' })} data-testid="kb-language">
          <option value="en">English</option>
          <option value="zh">中文</option>
        </select>
      </label>
      <input value={d.title} onChange={(e) => setD({ ...d, title: e.target.value })} placeholder={t('assistant.kb.titleField')} data-testid="kb-title" />
      <textarea value={d.body} rows={4} onChange={(e) => setD({ ...d, body: e.target.value })} placeholder={t('assistant.kb.body')} data-testid="kb-body" />
      <textarea value={d.questions} rows={2} onChange={(e) => setD({ ...d, questions: e.target.value })} placeholder={t('assistant.kb.questions')} data-testid="kb-questions" />
      {error ? <InlineError error={error} /> : null}
      <div className="page-actions">
        <button type="button" className="btn" onClick={onDone}>
          {t('assistant.kb.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="kb-save">
          {t('assistant.kb.save')}
        </button>
      </div>
    </form>
  );
}

function TryAssistant() {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const [text, setText] = useState('');
  const [answer, setAnswer] = useState<AskResponse>();
  const { error, run } = useAction();
  const ask = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => setAnswer(await api.askAssistant(text)));
  };
  return (
    <form className="card" onSubmit={(e) => void ask(e)}>
      <h3 className="card-title">{t('assistant.kb.try')}</h3>
      <input value={text} onChange={(e) => setText(e.target.value)} placeholder={t('assistant.kb.tryPlaceholder')} data-testid="kb-ask-input" />
      <button type="submit" className="btn btn-primary" disabled={!text.trim()} data-testid="kb-ask">
        {t('assistant.kb.ask')}
      </button>
      {error ? <InlineError error={error} /> : null}
      {answer ? (
        <div data-testid="kb-ask-result" data-decision={answer.decision}>
          <p className="muted">{t('assistant.kb.decision', { decision: answer.decision, intent: answer.intent, probability: answer.intentProbability.toFixed(2) })}</p>
          <p className="kb-article-body">{answer.reply}</p>
        </div>
      ) : null}
    </form>
  );
}

function WidgetSnippet() {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const keys = useResource((signal) => api.keys(signal), []);
  // Admins only: other roles get a 403 and the section stays hidden.
  const identity = useResource((signal) => api.widgetIdentity(signal), []);
  const write = keys.data?.items.find((k) => k.kind === 'write');
  const snippet = write ? `<script src="${window.location.origin}/widget.js" data-key="${write.key}" async></script>` : '';
  return (
    <div className="card">
      <h3 className="card-title">{t('assistant.kb.widget')}</h3>
      <p className="muted">{t('assistant.kb.widgetHelp')}</p>
      {write ? (
        <>
          <div className="kb-snippet" data-testid="kb-snippet">
            {snippet}
          </div>
          <CopyButton value={snippet} />
        </>
      ) : keys.error ? (
        <InlineError error={keys.error} />
      ) : (
        <Spinner />
      )}
      {identity.data ? (
        <>
          <p className="muted">{t('assistant.kb.identityHelp')}</p>
          <div className="kb-snippet" data-testid="kb-identity-secret">
            {t('assistant.kb.identitySecret')}: {identity.data.identitySecret}
          </div>
        </>
      ) : null}
    </div>
  );
}

function LlmSettings() {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const settings = useResource((signal) => api.assistantSettings(signal), []);
  const [form, setForm] = useState<{ baseUrl: string; model: string; apiKey: string } | null>(null);
  const { error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const current = form ?? { baseUrl: settings.data?.llm?.baseUrl ?? '', model: settings.data?.llm?.model ?? '', apiKey: settings.data?.llm?.apiKey ?? '' };
  const save = async (clear: boolean) => {
    setSaved(false);
    await run(async () => {
      await api.updateAssistantSettings({ llm: clear ? null : { baseUrl: current.baseUrl, model: current.model, apiKey: current.apiKey } });
      setForm(null);
      settings.reload();
      setSaved(true);
    });
  };
  return (
    <div className="card">
      <h3 className="card-title">{t('assistant.kb.llm')}</h3>
      <p className="muted">{t('assistant.kb.llmHelp')}</p>
      <input value={current.baseUrl} onChange={(e) => setForm({ ...current, baseUrl: e.target.value })} placeholder={`${t('assistant.kb.baseUrl')} (https://…/v1)`} />
      <input value={current.model} onChange={(e) => setForm({ ...current, model: e.target.value })} placeholder={t('assistant.kb.model')} />
      <input type="password" value={current.apiKey} onChange={(e) => setForm({ ...current, apiKey: e.target.value })} placeholder={t('assistant.kb.apiKey')} autoComplete="off" />
      {error ? <InlineError error={error} /> : null}
      {saved ? <p className="muted">{t('assistant.kb.saved')}</p> : null}
      <div className="page-actions">
        {settings.data?.llm ? (
          <button type="button" className="btn" onClick={() => void save(true)}>
            {t('assistant.kb.clearLlm')}
          </button>
        ) : null}
        <button type="button" className="btn btn-primary" onClick={() => void save(false)} disabled={!current.baseUrl || !current.model}>
          {t('assistant.kb.saveLlm')}
        </button>
      </div>
    </div>
  );
}

/** The assistant's knowledge base, a way to try it, the widget tag and the optional LLM. */
export default function AssistantPage() {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const [q, setQ] = useState('');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<ApiError>();
  const list = useResource((signal) => api.articles(q, signal), [q]);
  const edit = (a: Article) => setDraft({ id: a.id, language: a.language, title: a.title, body: a.body, questions: a.questions.join('\n') });
  const remove = async (a: Article) => {
    try {
      await api.deleteArticle(a.id);
      list.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  };
  const importFile = async (file: File | undefined) => {
    if (!file) return;
    setError(undefined);
    try {
      const text = await file.text();
      const r = await api.importArticles(/\.csv$/i.test(file.name) ? 'csv' : 'json', text);
      setNotice(t('assistant.kb.imported', { count: r.imported }));
      list.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  };
  return (
    <div className="page" data-testid="assistant-page">
      <PageHeader
        title={t('assistant.kb.title')}
        subtitle={t('assistant.kb.subtitle')}
        actions={
          <>
            <label className="btn">
              {t('assistant.kb.import')}
              <input type="file" accept=".json,.csv,application/json,text/csv" hidden onChange={(e) => void importFile(e.target.files?.[0])} data-testid="kb-import" />
            </label>
            <button type="button" className="btn btn-primary" onClick={() => setDraft(blank)} data-testid="kb-add">
              {t('assistant.kb.add')}
            </button>
          </>
        }
      />
      {notice ? <p className="muted">{notice}</p> : null}
      {error ? <InlineError error={error} /> : null}
      <div className="kb-grid">
        <div>
          {draft ? (
            <ArticleForm
              key={draft.id ?? 'new'}
              draft={draft}
              onDone={() => {
                setDraft(null);
                list.reload();
              }}
            />
          ) : null}
          <section className="card">
            <div className="row-between">
              <h3 className="card-title">
                {t('assistant.kb.articles')} {list.data ? <span className="muted">· {t('assistant.kb.count', { count: list.data.total })}</span> : null}
              </h3>
              <SearchInput value={q} onChange={setQ} placeholder={t('assistant.kb.search')} />
            </div>
            {!list.data ? list.error ? <InlineError error={list.error} onRetry={list.reload} /> : <Spinner /> : null}
            {list.data && list.data.items.length === 0 ? <EmptyState icon="assistant" title={t('assistant.kb.empty')} /> : null}
            {list.data?.items.map((a) => (
              <div key={a.id} className="kb-article" data-testid="kb-article">
                <div className="row-between">
                  <strong>
                    <span className="badge badge-muted">{a.language}</span> {a.title}
                  </strong>
                  <span className="page-actions">
                    <button type="button" className="btn btn-sm" onClick={() => edit(a)}>
                      {t('assistant.kb.edit')}
                    </button>
                    <button type="button" className="btn btn-sm" onClick={() => void remove(a)}>
                      {t('assistant.kb.delete')}
                    </button>
                  </span>
                </div>
                <div className="kb-article-body">{a.body}</div>
              </div>
            ))}
          </section>
        </div>
        <div className="kb-side">
          <TryAssistant />
          <WidgetSnippet />
          <LlmSettings />
        </div>
      </div>
    </div>
  );
}
