import type { FrequencyCap, SubscriptionGroup, SubscriptionGroupInput, SubscriptionGroupUpdate, SuppressionInput, SuppressionList } from '../../src/messaging/consent.schema';
import type { MessageList, MessageStatus, MessageView } from '../../src/messaging/message.schema';
import type { RenderedPreview, Template, TemplatePreviewRequest, TemplateSummary, TemplateUpdate, TestSendRequest } from '../../src/messaging/template.api.schema';
import type { Channel, TemplateInput } from '../../src/messaging/template.schema';
import { withQuery, type ApiClient } from './api';

export type SettingsKind = 'email' | 'sms' | 'webhook' | 'inbound';

/** One kind of channel settings as the API shows it: secrets replaced by a mask (channel-settings.service.ts). */
export interface ChannelSettingsView {
  kind: SettingsKind;
  configured: boolean;
  settings: Record<string, unknown> | null;
  updatedAt: string | null;
}

export interface MessageFilter {
  status?: MessageStatus;
  channel?: Channel;
  limit: number;
  offset: number;
}

export interface SuppressionFilter {
  channel?: 'email' | 'sms';
  q?: string;
  limit: number;
  offset: number;
}

const seg = encodeURIComponent;

/** Typed calls for templates, messages, consent and channel settings (src/messaging/*.routes.ts). */
export function messagingEndpoints(api: ApiClient) {
  return {
    templates: (signal?: AbortSignal) => api.get<{ items: TemplateSummary[] }>('/api/v1/templates', signal),
    template: (id: string, signal?: AbortSignal) => api.get<Template>(`/api/v1/templates/${seg(id)}`, signal),
    createTemplate: (body: TemplateInput) => api.post<Template>('/api/v1/templates', body),
    updateTemplate: (id: string, body: TemplateUpdate) => api.put<Template>(`/api/v1/templates/${seg(id)}`, body),
    deleteTemplate: (id: string) => api.delete(`/api/v1/templates/${seg(id)}`),
    previewTemplate: (body: TemplatePreviewRequest, signal?: AbortSignal) => api.post<RenderedPreview>('/api/v1/templates/preview', body, signal),
    testTemplate: (id: string, body: TestSendRequest) => api.post<MessageView>(`/api/v1/templates/${seg(id)}/test`, body),

    messages: (filter: MessageFilter, signal?: AbortSignal) => api.get<MessageList>(withQuery('/api/v1/messages', { ...filter }), signal),
    deadLetter: (filter: Omit<MessageFilter, 'status'>, signal?: AbortSignal) =>
      api.get<MessageList>(withQuery('/api/v1/messages/dead-letter', { ...filter }), signal),
    retryMessage: (id: string) => api.post<MessageView>(`/api/v1/messages/dead-letter/${seg(id)}/retry`),

    subscriptionGroups: (signal?: AbortSignal) => api.get<{ items: SubscriptionGroup[] }>('/api/v1/subscription-groups', signal),
    createSubscriptionGroup: (body: SubscriptionGroupInput) => api.post<SubscriptionGroup>('/api/v1/subscription-groups', body),
    updateSubscriptionGroup: (id: string, body: SubscriptionGroupUpdate) => api.put<SubscriptionGroup>(`/api/v1/subscription-groups/${seg(id)}`, body),
    deleteSubscriptionGroup: (id: string) => api.delete(`/api/v1/subscription-groups/${seg(id)}`),

    suppressions: (filter: SuppressionFilter, signal?: AbortSignal) => api.get<SuppressionList>(withQuery('/api/v1/suppressions', { ...filter }), signal),
    addSuppression: (body: SuppressionInput) => api.post<{ added: boolean }>('/api/v1/suppressions', body),
    removeSuppression: (channel: 'email' | 'sms', address: string) => api.delete(`/api/v1/suppressions/${seg(channel)}/${seg(address)}`),

    frequencyCaps: (signal?: AbortSignal) => api.get<{ items: FrequencyCap[] }>('/api/v1/frequency-caps', signal),
    putFrequencyCap: (channel: Channel, body: Omit<FrequencyCap, 'channel'>) => api.put<FrequencyCap>(`/api/v1/frequency-caps/${seg(channel)}`, body),
    deleteFrequencyCap: (channel: Channel) => api.delete(`/api/v1/frequency-caps/${seg(channel)}`),

    channelSettings: (signal?: AbortSignal) => api.get<{ items: ChannelSettingsView[] }>('/api/v1/channel-settings', signal),
    putChannelSettings: (kind: SettingsKind, body: Record<string, unknown>) => api.put<ChannelSettingsView>(`/api/v1/channel-settings/${seg(kind)}`, body),
    deleteChannelSettings: (kind: SettingsKind) => api.delete(`/api/v1/channel-settings/${seg(kind)}`),
    rotateSecret: (kind: 'webhook' | 'inbound') => api.post<{ secret: string }>(`/api/v1/channel-settings/${seg(kind)}/secret`),
  };
}
