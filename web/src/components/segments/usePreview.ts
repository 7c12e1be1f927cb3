import type { SegmentDefinition, SegmentPreview } from '../../../../src/segments/segment.schema';
import type { Endpoints } from '../../endpoints';
import { useLivePreview, type LivePreview } from '../../hooks';

export type PreviewState = LivePreview<SegmentPreview>;

/** The live count while the user edits a definition (hooks.ts useLivePreview); none while it is incomplete. */
export function usePreview(api: Endpoints, definition: SegmentDefinition, enabled: boolean): PreviewState {
  return useLivePreview(enabled ? definition : null, (d, signal) => api.previewSegment(d, signal));
}
