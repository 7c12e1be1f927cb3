import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet } from 'react-router-dom';
import { useSession } from '../session';
import { Header } from './Header';
import { Sidebar } from './Sidebar';
import { EmptyState, LoadingState } from './States';

/** The signed-in frame: sidebar, header with workspace and language switchers, and the page. */
export function Layout() {
  const { t } = useTranslation();
  const { workspace } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <div className="shell">
      <Sidebar open={menuOpen} onClose={() => setMenuOpen(false)} />
      {menuOpen ? <div className="scrim" onClick={() => setMenuOpen(false)} aria-hidden="true" /> : null}
      <div className="main">
        <Header onOpenMenu={() => setMenuOpen(true)} />
        {/* Keyed by workspace so switching resets every page's state and refetches. */}
        <main className="content" key={workspace?.id ?? 'none'}>
          {workspace ? (
            <Suspense fallback={<LoadingState />}>
              <Outlet />
            </Suspense>
          ) : (
            <EmptyState icon="customers" title={t('workspace.none')} body={t('workspace.noneHint')} />
          )}
        </main>
      </div>
    </div>
  );
}
