import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router-dom';
import { LanguageSwitcher } from '../components/Header';
import { Icon } from '../components/Icon';
import { InlineError, LoadingState, Spinner } from '../components/States';
import { useAction } from '../hooks';
import { useSession } from '../session';

/** Only same-site paths are followed after login (no open redirect via ?next=). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function LoginPage() {
  const { t } = useTranslation();
  const { status, login } = useSession();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  if (status === 'checking') return <LoadingState label={t('auth.checking')} />;
  if (status === 'signedIn') return <Navigate to={safeNext(params.get('next'))} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(() => login(email.trim(), password));
  };

  return (
    <div className="login">
      <section className="login-hero" aria-hidden="true">
        <div className="brand brand-light">
          <span className="brand-mark">N</span>
          <span className="brand-name">{t('app.name')}</span>
        </div>
        <p className="login-tagline">{t('app.tagline')}</p>
        <div className="login-art">
          {[38, 52, 44, 66, 58, 80, 72, 94].map((h, i) => (
            <span key={i} style={{ height: `${h}%` }} />
          ))}
        </div>
      </section>
      <section className="login-panel">
        <div className="login-lang">
          <Icon name="globe" size={16} />
          <LanguageSwitcher testId="login-lang" />
        </div>
        <form className="login-form" onSubmit={(e) => void submit(e)} data-testid="login-form">
          <h1>{t('auth.title')}</h1>
          <p className="muted">{t('auth.subtitle')}</p>
          {error ? <InlineError error={error} /> : null}
          <label className="field">
            <span>{t('auth.email')}</span>
            <input
              type="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              data-testid="login-email"
            />
          </label>
          <label className="field">
            <span>{t('auth.password')}</span>
            <input
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="login-password"
            />
          </label>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="login-submit">
            {busy ? (
              <>
                <Spinner small /> {t('auth.submitting')}
              </>
            ) : (
              t('auth.submit')
            )}
          </button>
        </form>
      </section>
    </div>
  );
}
