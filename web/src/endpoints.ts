import type { z } from 'zod';
import type { Overview } from '../../src/analytics/overview.schema';
import type { CatalogItem } from '../../src/catalog/catalog.schema';
import type { ImportJob, ImportKind, ImportMode } from '../../src/imports/import.schema';
import type { ApiKeyInfo, LoginRequest, Me, WorkspaceUpdate, WorkspaceView } from '../../src/platform/platform.schema';
import type { EventList, ProfileDetail, ProfileList } from '../../src/profiles/profile.schema';
import type { JobInfo } from '../../src/queue/job.schema';
import type { RfmRecomputeResponse, RfmReport } from '../../src/segments/rfm.schema';
import type {
  Segment,
  SegmentCreate,
  SegmentDefinition,
  SegmentFieldCatalog,
  SegmentHistory,
  SegmentMemberList,
  SegmentOverlap,
  SegmentPreview,
  SegmentSummary,
  SegmentUpdate,
} from '../../src/segments/segment.schema';
import { withQuery, type ApiClient } from './api';
import { journeyEndpoints } from './journeys.endpoints';
import { messagingEndpoints } from './messaging.endpoints';
import { recommendEndpoints } from './recommend.endpoints';
import { feedbackEndpoints } from './feedback.endpoints';
import { assistantEndpoints } from './assistant.endpoints';

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

export interface MembersQuery {
  q?: string;
  limit: number;
  offset: number;
}

export interface ProfileSegments {
  items: { id: string; name: string; enteredAt: string }[];
}

const seg = encodeURIComponent;

/** Typed calls for every endpoint the dashboard uses; one place to read the API surface. */
export function endpoints(api: ApiClient) {
  return {
    me: (signal?: AbortSignal) => api.get<Me>('/api/auth/me', signal),
    login: (body: LoginBody) => api.post<Me>('/api/auth/login', body),
    logout: () => api.post<void>('/api/auth/logout'),
    workspaceInfo: (signal?: AbortSignal) => api.get<WorkspaceView>('/api/v1/workspace', signal),
    updateWorkspace: (body: WorkspaceUpdate) => api.patch<WorkspaceView>('/api/v1/workspace', body),

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

    segments: (signal?: AbortSignal) => api.get<{ items: SegmentSummary[] }>('/api/v1/segments', signal),
    segment: (id: string, signal?: AbortSignal) => api.get<Segment>(`/api/v1/segments/${seg(id)}`, signal),
    createSegment: (body: SegmentCreate) => api.post<Segment>('/api/v1/segments', body),
    updateSegment: (id: string, body: SegmentUpdate) => api.put<Segment>(`/api/v1/segments/${seg(id)}`, body),
    deleteSegment: (id: string) => api.delete(`/api/v1/segments/${seg(id)}`),
    previewSegment: (definition: SegmentDefinition, signal?: AbortSignal) =>
      api.post<SegmentPreview>('/api/v1/segments/preview', { definition, sample: 10 }, signal),
    segmentFields: (signal?: AbortSignal) => api.get<SegmentFieldCatalog>('/api/v1/segments/fields', signal),
    segmentMembers: (id: string, query: MembersQuery, signal?: AbortSignal) =>
      api.get<SegmentMemberList>(withQuery(`/api/v1/segments/${seg(id)}/members`, { ...query }), signal),
    segmentMembersCsv: (id: string) => api.download(`/api/v1/segments/${seg(id)}/members.csv`),
    segmentHistory: (id: string, signal?: AbortSignal) =>
      api.get<SegmentHistory>(`/api/v1/segments/${seg(id)}/history`, signal),
    segmentOverlap: (a: string, b: string, signal?: AbortSignal) =>
      api.get<SegmentOverlap>(withQuery('/api/v1/segments/overlap', { a, b }), signal),
    profileSegments: (id: string, signal?: AbortSignal) =>
      api.get<ProfileSegments>(`/api/v1/profiles/${seg(id)}/segments`, signal),

    rfm: (signal?: AbortSignal) => api.get<RfmReport>('/api/v1/rfm', signal),
    recomputeRfm: () => api.post<RfmRecomputeResponse>('/api/v1/rfm/recompute'),
    job: (id: string, signal?: AbortSignal) => api.get<JobInfo>(`/api/v1/jobs/${seg(id)}`, signal),

    keys: (signal?: AbortSignal) => api.get<{ items: ApiKeyInfo[] }>('/api/v1/keys', signal),
    revealKey: (id: string) => api.post<{ key: string }>(`/api/v1/keys/${seg(id)}/reveal`),

    ...messagingEndpoints(api),
    ...journeyEndpoints(api),
    ...recommendEndpoints(api),
    ...feedbackEndpoints(api),
    ...assistantEndpoints(api),
  };
}

export type Endpoints = ReturnType<typeof endpoints>;
