import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Layout } from './components/Layout';
import { ErrorState, LoadingState } from './components/States';
import { SOON_AREAS } from './nav';
import { ComingSoonPage } from './pages/ComingSoonPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { useSession } from './session';

// Pages load on first visit, so recharts only downloads with the overview.
const OverviewPage = lazy(() => import('./pages/OverviewPage'));
const CustomersPage = lazy(() => import('./pages/CustomersPage'));
const ProfilePage = lazy(() => import('./pages/ProfilePage'));
const CatalogPage = lazy(() => import('./pages/CatalogPage'));
const ImportPage = lazy(() => import('./pages/ImportPage'));
const SettingsPage = lazy(() => import('./pages/SettingsPage'));
const SegmentsPage = lazy(() => import('./pages/SegmentsPage'));
const SegmentEditPage = lazy(() => import('./pages/SegmentEditPage'));
const SegmentDetailPage = lazy(() => import('./pages/SegmentDetailPage'));
const RfmPage = lazy(() => import('./pages/RfmPage'));
const TemplatesPage = lazy(() => import('./pages/TemplatesPage'));
const TemplateEditPage = lazy(() => import('./pages/TemplateEditPage'));
const MessagesPage = lazy(() => import('./pages/MessagesPage'));
const JourneysPage = lazy(() => import('./pages/JourneysPage'));
const JourneyBuilderPage = lazy(() => import('./pages/JourneyBuilderPage'));
const BroadcastsPage = lazy(() => import('./pages/BroadcastsPage'));
const BroadcastNewPage = lazy(() => import('./pages/BroadcastNewPage'));
const BroadcastDetailPage = lazy(() => import('./pages/BroadcastDetailPage'));
const RecommendationsPage = lazy(() => import('./pages/RecommendationsPage'));
const FeedbackPage = lazy(() => import('./pages/FeedbackPage'));
const InboxPage = lazy(() => import('./pages/InboxPage'));
const AssistantPage = lazy(() => import('./pages/AssistantPage'));

/** Sends signed-out visitors to /login, remembering where they were going. */
function RequireAuth({ children }: { children: ReactNode }) {
  const { status, error, recheck } = useSession();
  const location = useLocation();
  if (status === 'checking') return <LoadingState />;
  if (status === 'error' && error) {
    return (
      <div className="center-page">
        <ErrorState error={error} onRetry={recheck} />
      </div>
    );
  }
  if (status !== 'signedIn') {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return children;
}

export function App() {
  return (
    <BrowserRouter>
      <Suspense fallback={<LoadingState />}>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route
            element={
              <RequireAuth>
                <Layout />
              </RequireAuth>
            }
          >
            <Route index element={<OverviewPage />} />
            <Route path="customers" element={<CustomersPage />} />
            <Route path="customers/:id" element={<ProfilePage />} />
            <Route path="catalog" element={<CatalogPage />} />
            <Route path="import" element={<ImportPage />} />
            <Route path="segments" element={<SegmentsPage />} />
            <Route path="segments/new" element={<SegmentEditPage />} />
            <Route path="segments/:id" element={<SegmentDetailPage />} />
            <Route path="segments/:id/edit" element={<SegmentEditPage />} />
            <Route path="templates" element={<TemplatesPage />} />
            <Route path="templates/new" element={<TemplateEditPage />} />
            <Route path="templates/:id" element={<TemplateEditPage />} />
            <Route path="messages" element={<MessagesPage />} />
            <Route path="journeys" element={<JourneysPage />} />
            <Route path="journeys/:id" element={<JourneyBuilderPage />} />
            <Route path="broadcasts" element={<BroadcastsPage />} />
            <Route path="broadcasts/new" element={<BroadcastNewPage />} />
            <Route path="broadcasts/:id" element={<BroadcastDetailPage />} />
            <Route path="rfm" element={<RfmPage />} />
            <Route path="recommendations" element={<RecommendationsPage />} />
            <Route path="feedback" element={<FeedbackPage />} />
            <Route path="inbox" element={<InboxPage />} />
            <Route path="assistant" element={<AssistantPage />} />
            <Route path="settings" element={<SettingsPage />} />
            {SOON_AREAS.map((area) => (
              <Route key={area} path={area} element={<ComingSoonPage area={area} />} />
            ))}
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </Suspense>
    </BrowserRouter>
  );
}
