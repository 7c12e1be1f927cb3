import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageView } from '../../../../src/messaging/message.schema';
import type { Channel } from '../../../../src/messaging/template.schema';
import { useAction } from '../../hooks';
import { useWorkspace } from '../../session';
import { Icon } from '../Icon';
import { InlineError, Spinner } from '../States';
import { MessageReason, StatusChip } from './Badges';

/** Sends the saved template once to an address, rendered as the preview's customer. */
export function TestSend({ templateId, channel, profileId }: { templateId: string | undefined; channel: Channel; profileId: string | undefined }) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const [to, setTo] = useState('');
  const [result, setResult] = useState<MessageView>();
  const { busy, error, run } = useAction();
  const needsTo = channel !== 'webhook';

  const send = async () => {
    if (!templateId) return;
    setResult(undefined);
    await run(async () => setResult(await api.testTemplate(templateId, { to: needsTo ? to.trim() : undefined, profileId })));
  };

  return (
    <section className="card" data-testid="template-test">
      <h3 className="card-title">
        <Icon name="broadcasts" size={16} /> {t('messaging.test.title')}
      </h3>
      {!templateId ? (
        <p className="muted small">{t('messaging.test.saveFirst')}</p>
      ) : (
        <form
          className="channel-form"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <p className="muted small">{t('messaging.test.hint')}</p>
          <div className="form-row">
            {needsTo ? (
              <label className="field field-grow">
                <span>{t('messaging.test.to')}</span>
                <input
                  value={to}
                  onChange={(e) => setTo(e.target.value)}
                  placeholder={channel === 'email' ? t('messaging.test.toEmail') : t('messaging.test.toSms')}
                  type={channel === 'email' ? 'email' : 'tel'}
                  data-testid="test-to"
                />
              </label>
            ) : null}
            <button type="submit" className="btn" disabled={busy || (needsTo && !to.trim())} data-testid="test-send">
              {busy ? <Spinner small /> : null} {busy ? t('messaging.test.sending') : t('messaging.test.send')}
            </button>
          </div>
          {error ? <InlineError error={error} /> : null}
          {result ? (
            <p className="small" data-testid="test-result">
              {t('messaging.test.result')} <StatusChip status={result.status} reason={result.reason} /> <code>{result.id}</code>{' '}
              <MessageReason reason={result.reason} lastError={result.lastError} />
            </p>
          ) : null}
        </form>
      )}
    </section>
  );
}
