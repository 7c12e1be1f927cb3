import type { AnalyzeResponse, FeedbackSettings, FeedbackSummary, FeedbackTextList } from '../../src/nlp/feedback.schema';
import { withQuery, type ApiClient } from './api';

/** Filters of the texts list: the number clicked on the Feedback page. */
export interface FeedbackTextFilter {
  days: number;
  language?: string | undefined;
  sentiment?: string | undefined;
  aspect?: string | undefined;
  polarity?: string | undefined;
  keyword?: string | undefined;
  week?: string | undefined;
}

/** Typed calls for the Feedback page (src/nlp/feedback.routes.ts). */
export function feedbackEndpoints(api: ApiClient) {
  return {
    feedbackSummary: (q: { days: number; language?: string | undefined }, signal?: AbortSignal) => api.get<FeedbackSummary>(withQuery('/api/v1/feedback/summary', q), signal),
    feedbackTexts: (q: FeedbackTextFilter, signal?: AbortSignal) => api.get<FeedbackTextList>(withQuery('/api/v1/feedback/texts', { ...q }), signal),
    feedbackSettings: (signal?: AbortSignal) => api.get<FeedbackSettings>('/api/v1/feedback/settings', signal),
    updateFeedbackSettings: (body: FeedbackSettings) => api.put<FeedbackSettings>('/api/v1/feedback/settings', body),
    analyzeText: (text: string) => api.post<AnalyzeResponse>('/api/v1/feedback/analyze', { text }),
  };
}
