import { useEffect, useState } from 'react';
import type { SegmentDefinition, SegmentPreview } from '../../../../src/segments/segment.schema';
import { ApiError } from '../../api';
import type { Endpoints } from '../../endpoints';
import { useDebounced } from '../../hooks';

export interface PreviewState {
  data: SegmentPreview | undefined;
  error: ApiError | undefined;
  /** A request is in flight or the user is still typing (the figures on screen are for an older definition). */
  pending: boolean;
}

const DEBOUNCE_MS = 400;

/**
 * The live count while the user edits: waits until the definition has been still for 400 ms,
 * cancels the request for an older definition, and keeps the last answer on screen meanwhile.
 */
export function usePreview(api: Endpoints, definition: SegmentDefinition, enabled: boolean): PreviewState {
  const key = JSON.stringify(definition);
  const settled = useDebounced(enabled ? key : null, DEBOUNCE_MS);
  const [data, setData] = useState<SegmentPreview>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (settled === null) return;
    const controller = new AbortController();
    setLoading(true);
    // `settled` is the JSON of a definition this hook was given, so parsing it back is exact.
    api.previewSegment(JSON.parse(settled) as SegmentDefinition, controller.signal).then(
      (preview) => {
        if (controller.signal.aborted) return;
        setData(preview);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e instanceof ApiError ? e : new ApiError(0, 'HTTP_ERROR', String(e)));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [api, settled]);

  return { data, error, pending: loading || (enabled && settled !== key) };
}
