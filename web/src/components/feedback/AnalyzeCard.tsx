import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnalyzeResponse } from '../../../../src/nlp/feedback.schema';
import { useAction } from '../../hooks';
import { useWorkspace } from '../../session';
import { InlineError, Spinner } from '../States';

/** Try the analysis on a text of one's own (nothing is stored); the server refuses texts over 10,000 characters. */
export function AnalyzeCard() {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const [text, setText] = useState('');
  const [result, setResult] = useState<AnalyzeResponse | null>(null);
  const { busy, error, run: start } = useAction();
  const run = () => {
    setResult(null);
    return start(async () => setResult(await api.analyzeText(text)));
  };
  const tone = result?.sentiment === 'positive' ? 'badge-ok' : result?.sentiment === 'negative' ? 'badge-bad' : '';
  return (
    <section className="card" data-testid="fb-analyze">
      <h3 className="card-title">{t('feedback.analyze.title')}</h3>
      <p className="muted small">{t('feedback.analyze.hint')}</p>
      <textarea className="input fb-analyze-input" rows={3} value={text} onChange={(e) => setText(e.target.value)} placeholder={t('feedback.analyze.placeholder')} aria-label={t('feedback.analyze.title')} data-testid="fb-analyze-text" />
      <div className="fb-settings-actions">
        <button type="button" className="btn btn-sm btn-primary" onClick={() => void run()} disabled={busy || text.trim().length === 0} data-testid="fb-analyze-run">
          {busy ? <Spinner small /> : null} {t('feedback.analyze.run')}
        </button>
        {result ? (
          <span className="fb-text-head" data-testid="fb-analyze-result">
            {result.sentiment ? <span className={`badge ${tone}`}>{t(`feedback.sentiment.${result.sentiment}`)}</span> : null}
            {result.score !== null ? <span className="muted small">{t('feedback.texts.score', { score: result.score.toFixed(2) })}</span> : null}
            {result.aspects.map((a) => (
              <span key={a.aspect} className={`chip fb-${a.polarity}`}>
                {t(`feedback.aspects.names.${a.aspect}`)} · {t(`feedback.sentiment.${a.polarity}`)}
              </span>
            ))}
            {result.intent ? <span className="muted small">{t('feedback.analyze.intent', { intent: result.intent })}</span> : null}
          </span>
        ) : null}
      </div>
      {error ? <InlineError error={error} /> : null}
    </section>
  );
}
