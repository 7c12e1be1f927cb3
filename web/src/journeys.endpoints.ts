import type { BroadcastCreate, BroadcastView } from '../../src/journeys/broadcast.schema';
import type { JourneyCounts, JourneyCreate, JourneyList, JourneyUpdate, JourneyView, SimulateRequest, SimulateResponse } from '../../src/journeys/journey.api.schema';
import type { z } from 'zod';
import type { ApiClient } from './api';

export type JourneySummary = z.infer<typeof JourneyList>['items'][number];
export type SimulateBody = z.input<typeof SimulateRequest>;
export type Timeline = z.infer<typeof SimulateResponse>['timeline'];

const seg = encodeURIComponent;

/** Typed calls for journeys and broadcasts (src/journeys/journey.routes.ts, broadcast.routes.ts). */
export function journeyEndpoints(api: ApiClient) {
  return {
    journeys: (signal?: AbortSignal) => api.get<{ items: JourneySummary[] }>('/api/v1/journeys', signal),
    journey: (id: string, signal?: AbortSignal) => api.get<JourneyView>(`/api/v1/journeys/${seg(id)}`, signal),
    createJourney: (body: JourneyCreate) => api.post<JourneyView>('/api/v1/journeys', body),
    updateJourney: (id: string, body: JourneyUpdate) => api.put<JourneyView>(`/api/v1/journeys/${seg(id)}`, body),
    publishJourney: (id: string) => api.post<JourneyView>(`/api/v1/journeys/${seg(id)}/publish`),
    journeyAction: (id: string, action: 'pause' | 'resume' | 'archive') => api.post<JourneyView>(`/api/v1/journeys/${seg(id)}/${action}`),
    journeyCounts: (id: string, signal?: AbortSignal) => api.get<JourneyCounts>(`/api/v1/journeys/${seg(id)}/counts`, signal),
    simulateJourney: (id: string, body: SimulateBody) => api.post<z.infer<typeof SimulateResponse>>(`/api/v1/journeys/${seg(id)}/simulate`, body),

    broadcasts: (signal?: AbortSignal) => api.get<{ items: BroadcastView[] }>('/api/v1/broadcasts', signal),
    broadcast: (id: string, signal?: AbortSignal) => api.get<BroadcastView>(`/api/v1/broadcasts/${seg(id)}`, signal),
    createBroadcast: (body: BroadcastCreate) => api.post<BroadcastView>('/api/v1/broadcasts', body),
    updateBroadcast: (id: string, body: BroadcastCreate) => api.put<BroadcastView>(`/api/v1/broadcasts/${seg(id)}`, body),
    unscheduleBroadcast: (id: string) => api.post<BroadcastView>(`/api/v1/broadcasts/${seg(id)}/unschedule`),
    sendBroadcast: (id: string) => api.post<BroadcastView>(`/api/v1/broadcasts/${seg(id)}/send`),
    cancelBroadcast: (id: string) => api.post<BroadcastView>(`/api/v1/broadcasts/${seg(id)}/cancel`),
  };
}
