import type { ErrorBody } from '../../src/platform/platform.schema';

/** A failed API call: the server's stable error code and message, or a client-side stand-in. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    /** The error body's `details` (e.g. every template issue), unchecked: readers narrow it. */
    readonly details: unknown = undefined,
  ) {
    super(message);
  }
}

/** Any failure as an ApiError: ApiErrors as they are, anything else (a bug, a body that is not JSON) as HTTP_ERROR. */
export function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, 'HTTP_ERROR', e instanceof Error ? e.message : String(e));
}

export interface ApiClientOptions {
  /** The workspace every `/api/v1/*` call is scoped to (sent as `X-Nudge-Workspace`). */
  workspaceId: () => string | null;
  /** Called when a call answers 401, i.e. the session cookie has expired. */
  onUnauthorized?: () => void;
  /** The language the dashboard is shown in, sent as Accept-Language so the server's messages (errors) come in it. */
  language?: () => string;
}

export interface UploadOptions {
  contentType: string;
  /** Upload progress as a fraction 0..1 (XMLHttpRequest upload events). */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export interface ApiClient {
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
  post<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T>;
  put<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T>;
  patch<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T>;
  delete<T = void>(path: string, signal?: AbortSignal): Promise<T>;
  /** A file the server generates (a CSV export), fetched with the session and workspace like any call. */
  download(path: string, signal?: AbortSignal): Promise<Blob>;
  upload<T>(path: string, file: Blob, options: UploadOptions): Promise<T>;
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error: unknown = value.error;
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string';
}

/** Turns a non-2xx response body into an ApiError, whatever the body looks like. */
export function toApiError(status: number, statusText: string, text: string): ApiError {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (a proxy error page, say): fall through to the generic error.
  }
  if (isErrorBody(parsed)) {
    const { code, message, field, details } = parsed.error;
    return new ApiError(status, code, typeof message === 'string' ? message : code, field ?? null, details);
  }
  return new ApiError(status, 'HTTP_ERROR', `HTTP ${status} ${statusText}`.trim());
}

/** The dashboard's only way to call the server: cookies, workspace header, typed errors. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const headersFor = (path: string, extra: Record<string, string> = {}): Record<string, string> => {
    const headers: Record<string, string> = { Accept: 'application/json', ...extra };
    const language = options.language?.();
    if (language) headers['Accept-Language'] = language;
    const workspace = options.workspaceId();
    if (path.startsWith('/api/v1/') && workspace) headers['X-Nudge-Workspace'] = workspace;
    return headers;
  };

  const fail = (error: ApiError): never => {
    if (error.status === 401) options.onUnauthorized?.();
    throw error;
  };

  async function send(method: string, path: string, body: unknown, signal?: AbortSignal, accept?: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers: headersFor(path, {
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...(accept ? { Accept: accept } : {}),
        }),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new ApiError(0, 'NETWORK_ERROR', cause instanceof Error ? cause.message : String(cause));
    }
    if (!response.ok) return fail(toApiError(response.status, response.statusText, await response.text()));
    return response;
  }

  async function request<T>(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const response = await send(method, path, body, signal);
    const text = await response.text();
    // The server's JSON is typed by the shared schema; the caller names the type it expects.
    return (text ? JSON.parse(text) : undefined) as T;
  }

  function upload<T>(path: string, file: Blob, opts: UploadOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      for (const [name, value] of Object.entries(headersFor(path, { 'Content-Type': opts.contentType }))) {
        xhr.setRequestHeader(name, value);
      }
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) opts.onProgress?.(e.loaded / e.total);
      };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          opts.onProgress?.(1);
          // Same contract as request(): the caller names the response type from the shared schema.
          resolve((xhr.responseText ? JSON.parse(xhr.responseText) : undefined) as T);
        } else {
          const error = toApiError(xhr.status, xhr.statusText, xhr.responseText);
          if (error.status === 401) options.onUnauthorized?.();
          reject(error);
        }
      };
      xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', 'Network error during upload'));
      xhr.onabort = () => reject(new DOMException('Upload aborted', 'AbortError'));
      opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(file);
    });
  }

  return {
    get: (path, signal) => request('GET', path, undefined, signal),
    post: (path, body, signal) => request('POST', path, body, signal),
    put: (path, body, signal) => request('PUT', path, body, signal),
    patch: (path, body, signal) => request('PATCH', path, body, signal),
    delete: (path, signal) => request('DELETE', path, undefined, signal),
    download: async (path, signal) => (await send('GET', path, undefined, signal, '*/*')).blob(),
    upload,
  };
}

/** Builds `path?query` from defined, non-empty parameters. */
export function withQuery(path: string, params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}
