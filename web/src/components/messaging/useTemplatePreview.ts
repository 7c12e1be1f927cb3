import type { RenderedPreview, TemplatePreviewRequest } from '../../../../src/messaging/template.api.schema';
import type { Endpoints } from '../../endpoints';
import { useLivePreview, type LivePreview } from '../../hooks';

export type TemplatePreviewState = LivePreview<RenderedPreview>;

/** The rendered draft while the user edits (hooks.ts useLivePreview). */
export function useTemplatePreview(api: Endpoints, request: TemplatePreviewRequest | null): TemplatePreviewState {
  return useLivePreview(request, (r, signal) => api.previewTemplate(r, signal));
}
