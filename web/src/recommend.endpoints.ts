import type { z } from 'zod';
import type { TrainableAlgorithm, ModelList, OnlineMetrics, RecommendationList, RecommendSettings, RecommendSettingsUpdate, TrainResponse } from '../../src/recommend/recommend.schema';
import type { ApiClient } from './api';

const seg = encodeURIComponent;

/** Typed calls for recommendations (src/recommend/recommend.routes.ts). */
export function recommendEndpoints(api: ApiClient) {
  return {
    recommendModels: (signal?: AbortSignal) => api.get<ModelList>('/api/v1/recommendations/models', signal),
    recommendAlgorithms: (signal?: AbortSignal) => api.get<{ items: TrainableAlgorithm[] }>('/api/v1/recommendations/algorithms', signal),
    trainRecommendations: () => api.post<z.infer<typeof TrainResponse>>('/api/v1/recommendations/train', {}),
    promoteModel: (id: string) => api.post<ModelList>(`/api/v1/recommendations/models/${seg(id)}/promote`),
    recommendSettings: (signal?: AbortSignal) => api.get<RecommendSettings>('/api/v1/recommendations/settings', signal),
    updateRecommendSettings: (body: RecommendSettingsUpdate) => api.put<RecommendSettings>('/api/v1/recommendations/settings', body),
    recommendMetrics: (days: number, signal?: AbortSignal) => api.get<OnlineMetrics>(`/api/v1/recommendations/metrics?days=${days}`, signal),
    lookupRecommendations: (customer: string, n: number, signal?: AbortSignal) => api.get<RecommendationList>(`/api/v1/recommendations/customers/${seg(customer)}?n=${n}`, signal),
  };
}
