import type { z } from 'zod';
import type { AskResponse, AssistantSettingsInput, AssistantSettingsView, ConversationContext, ConversationDetail, ConversationList } from '../../src/assistant/assistant.schema';
import type { ConversationState } from '../../src/assistant/dialogue';
import type { Article, ArticleImportResult, ArticleInputRaw, ArticleList } from '../../src/assistant/kb.schema';
import { withQuery, type ApiClient } from './api';

const seg = encodeURIComponent;

/** Typed calls for the assistant (src/assistant/assistant.routes.ts). */
export function assistantEndpoints(api: ApiClient) {
  return {
    conversations: (state: ConversationState | undefined, signal?: AbortSignal) => api.get<ConversationList>(withQuery('/api/v1/assistant/conversations', { state, limit: 100 }), signal),
    conversation: (id: string, signal?: AbortSignal) => api.get<ConversationDetail>(`/api/v1/assistant/conversations/${seg(id)}`, signal),
    conversationContext: (id: string, signal?: AbortSignal) => api.get<ConversationContext>(`/api/v1/assistant/conversations/${seg(id)}/context`, signal),
    takeOver: (id: string) => api.post<ConversationDetail>(`/api/v1/assistant/conversations/${seg(id)}/take-over`),
    replyTo: (id: string, text: string) => api.post<ConversationDetail>(`/api/v1/assistant/conversations/${seg(id)}/reply`, { text }),
    resolveConversation: (id: string) => api.post<ConversationDetail>(`/api/v1/assistant/conversations/${seg(id)}/resolve`),
    articles: (q: string | undefined, signal?: AbortSignal) => api.get<ArticleList>(withQuery('/api/v1/assistant/articles', { q: q || undefined, limit: 500 }), signal),
    createArticle: (body: ArticleInputRaw) => api.post<Article>('/api/v1/assistant/articles', body),
    updateArticle: (id: string, body: ArticleInputRaw) => api.put<Article>(`/api/v1/assistant/articles/${seg(id)}`, body),
    deleteArticle: (id: string) => api.delete<{ deleted: true }>(`/api/v1/assistant/articles/${seg(id)}`),
    importArticles: (format: 'json' | 'csv', content: string) => api.post<z.infer<typeof ArticleImportResult>>('/api/v1/assistant/articles/import', { format, content }),
    askAssistant: (text: string) => api.post<AskResponse>('/api/v1/assistant/ask', { text }),
    widgetIdentity: (signal?: AbortSignal) => api.get<{ identitySecret: string }>('/api/v1/assistant/widget-identity', signal),
    assistantSettings: (signal?: AbortSignal) => api.get<AssistantSettingsView>('/api/v1/assistant/settings', signal),
    updateAssistantSettings: (body: AssistantSettingsInput) => api.put<AssistantSettingsView>('/api/v1/assistant/settings', body),
  };
}
