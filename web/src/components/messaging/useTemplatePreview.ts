import { useEffect, useState } from 'react';
import type { RenderedPreview, TemplatePreviewRequest } from '../../../../src/messaging/template.api.schema';
import { ApiError } from '../../api';
import type { Endpoints } from '../../endpoints';
import { useDebounced } from '../../hooks';

export interface TemplatePreviewState {
  data: RenderedPreview | undefined;
  error: ApiError | undefined;
  /** A request is in flight, or the draft changed since the one on screen. */
  pending: boolean;
}

const DEBOUNCE_MS = 400;

/**
 * The rendered draft while the user edits: asks once the request has been still for 400 ms,
 * cancels the answer for an older draft, and keeps the last rendering on screen meanwhile.
 */
export function useTemplatePreview(api: Endpoints, request: TemplatePreviewRequest | null): TemplatePreviewState {
  const key = request ? JSON.stringify(request) : null;
  const settled = useDebounced(key, DEBOUNCE_MS);
  const [data, setData] = useState<RenderedPreview>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (settled === null) return;
    const controller = new AbortController();
    setLoading(true);
    // `settled` is the JSON of a request this hook was given, so parsing it back is exact.
    api.previewTemplate(JSON.parse(settled) as TemplatePreviewRequest, controller.signal).then(
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

  return { data, error, pending: loading || (key !== null && settled !== key) };
}
