import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { EmptyState } from '../components/States';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <EmptyState
      icon="alert"
      title={t('notFound.title')}
      body={t('notFound.body')}
      testId="not-found"
      action={
        <Link className="btn" to="/">
          {t('notFound.home')}
        </Link>
      }
    />
  );
}
