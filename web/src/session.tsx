import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me, WorkspaceInfo } from '../../src/platform/platform.schema';
import { ApiError, asApiError, createApiClient } from './api';
import { endpoints, type Endpoints } from './endpoints';

const WORKSPACE_KEY = 'nudge.workspace';

export type SessionStatus = 'checking' | 'anonymous' | 'signedIn' | 'error';

export interface Session {
  status: SessionStatus;
  me: Me | null;
  /** The workspace every page shows; null when the user belongs to none. */
  workspace: WorkspaceInfo | null;
  /** Set when the session check itself failed (server down, say). */
  error: ApiError | null;
  api: Endpoints;
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
  switchWorkspace(id: string): void;
  recheck(): void;
  /** Read the signed-in user and their workspaces again, quietly (after a workspace setting they show changed). */
  refresh(): void;
}

const SessionContext = createContext<Session | null>(null);

/** The saved workspace if the user still belongs to it, else their first one. */
function pickWorkspace(me: Me, saved: string | null): WorkspaceInfo | null {
  return me.workspaces.find((w) => w.id === saved) ?? me.workspaces[0] ?? null;
}

/** Holds who is signed in and which workspace is open; gives pages a scoped API client. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionStatus>('checking');
  const [me, setMe] = useState<Me | null>(null);
  const [workspaceId, setWorkspaceId] = useState<string | null>(() => localStorage.getItem(WORKSPACE_KEY));
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  // The client reads the workspace through a ref so it stays one stable object.
  const workspaceRef = useRef<string | null>(null);
  // Likewise the language: the server answers errors in the one the dashboard is shown in.
  const { i18n } = useTranslation();
  const languageRef = useRef(i18n.language);
  languageRef.current = i18n.language;

  const api = useMemo(
    () =>
      endpoints(
        createApiClient({
          workspaceId: () => workspaceRef.current,
          language: () => languageRef.current,
          onUnauthorized: () => {
            setMe(null);
            setStatus('anonymous');
          },
        }),
      ),
    [],
  );

  const workspace = me ? pickWorkspace(me, workspaceId) : null;
  workspaceRef.current = workspace?.id ?? null;

  const signIn = useCallback((next: Me) => {
    setMe(next);
    setError(null);
    setStatus('signedIn');
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    api.me(controller.signal).then(signIn, (e: unknown) => {
      if (controller.signal.aborted) return;
      if (e instanceof ApiError && e.status === 401) {
        setStatus('anonymous');
      } else {
        setError(asApiError(e));
        setStatus('error');
      }
    });
    return () => controller.abort();
  }, [api, signIn, attempt]);

  const session = useMemo<Session>(
    () => ({
      status,
      me,
      workspace,
      error,
      api,
      login: async (email, password) => signIn(await api.login({ email, password })),
      logout: async () => {
        try {
          await api.logout();
        } finally {
          setMe(null);
          setStatus('anonymous');
        }
      },
      switchWorkspace: (id) => {
        localStorage.setItem(WORKSPACE_KEY, id);
        setWorkspaceId(id);
      },
      refresh: () => {
        api.me(new AbortController().signal).then(setMe, () => {});
      },
      recheck: () => {
        setStatus('checking');
        setAttempt((n) => n + 1);
      },
    }),
    [status, me, workspace, error, api, signIn],
  );

  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** For pages inside the signed-in layout, where a workspace is guaranteed. */
export function useWorkspace(): { workspace: WorkspaceInfo; api: Endpoints } {
  const { workspace, api } = useSession();
  if (!workspace) throw new Error('useWorkspace outside a workspace');
  return { workspace, api };
}
