import type { z } from 'zod';
import type { Overview } from '../../src/analytics/overview.schema';
import type { CatalogItem } from '../../src/catalog/catalog.schema';
import type { ImportJob, ImportKind, ImportMode } from '../../src/imports/import.schema';
import type { ApiKeyInfo, LoginRequest, Me } from '../../src/platform/platform.schema';
import type { EventList, ProfileDetail, ProfileList } from '../../src/profiles/profile.schema';
import { withQuery, type ApiClient } from './api';

export type LoginBody = z.infer<typeof LoginRequest>;
export type CatalogRow = CatalogItem & { updatedAt: string };
export interface CatalogList {
  items: CatalogRow[];
  total: number;
}

export interface ProfileQuery {
  q?: string;
  trait?: string;
  sort?: 'lastSeen' | 'firstSeen';
  limit: number;
  offset: number;
}

export interface CatalogQuery {
  q?: string;
  category?: string;
  limit: number;
  offset: number;
}

const seg = encodeURIComponent;

/** Typed calls for every endpoint the dashboard uses; one place to read the API surface. */
export function endpoints(api: ApiClient) {
  return {
    me: (signal?: AbortSignal) => api.get<Me>('/api/auth/me', signal),
    login: (body: LoginBody) => api.post<Me>('/api/auth/login', body),
    logout: () => api.post<void>('/api/auth/logout'),

    overview: (days: number, signal?: AbortSignal) =>
      api.get<Overview>(withQuery('/api/v1/overview', { days }), signal),

    profiles: (query: ProfileQuery, signal?: AbortSignal) =>
      api.get<ProfileList>(withQuery('/api/v1/profiles', { ...query }), signal),
    profile: (id: string, signal?: AbortSignal) => api.get<ProfileDetail>(`/api/v1/profiles/${seg(id)}`, signal),
    profileEvents: (id: string, before: string | null, signal?: AbortSignal) =>
      api.get<EventList>(withQuery(`/api/v1/profiles/${seg(id)}/events`, { limit: 50, before }), signal),

    catalog: (query: CatalogQuery, signal?: AbortSignal) =>
      api.get<CatalogList>(withQuery('/api/v1/catalog', { ...query }), signal),

    imports: (signal?: AbortSignal) => api.get<{ items: ImportJob[] }>('/api/v1/imports', signal),
    importJob: (id: string, signal?: AbortSignal) => api.get<ImportJob>(`/api/v1/imports/${seg(id)}`, signal),
    startImport: (
      params: { kind: ImportKind; mode: ImportMode; fileName: string },
      file: Blob,
      onProgress: (fraction: number) => void,
      signal?: AbortSignal,
    ) =>
      api.upload<ImportJob>(withQuery('/api/v1/imports', { ...params }), file, {
        contentType: 'text/csv',
        onProgress,
        signal,
      }),

    keys: (signal?: AbortSignal) => api.get<{ items: ApiKeyInfo[] }>('/api/v1/keys', signal),
    revealKey: (id: string) => api.post<{ key: string }>(`/api/v1/keys/${seg(id)}/reveal`),
  };
}

export type Endpoints = ReturnType<typeof endpoints>;
