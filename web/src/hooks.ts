import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { asApiError, type ApiError } from './api';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** True while a request is in flight (including polls and reloads that keep old data on screen). */
  loading: boolean;
  /** When the data last arrived (ms since epoch). */
  updatedAt: number | undefined;
  reload(): void;
}

/**
 * Loads data whenever `deps` change, keeping the previous data on screen while the next
 * request runs (so paging and polling never flash a spinner). With `pollMs`, reloads on
 * that interval while the tab is visible (and, with `pollWhile`, while the data asks for it).
 */
export function useResource<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: DependencyList,
  options: { pollMs?: number; pollWhile?: (data: T | undefined) => boolean } = {},
): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const [updatedAt, setUpdatedAt] = useState<number>();
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const pollWhileRef = useRef(options.pollWhile);
  pollWhileRef.current = options.pollWhile;
  const dataRef = useRef<T>(undefined);
  dataRef.current = data;

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    loadRef.current(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(undefined);
        setUpdatedAt(Date.now());
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(asApiError(e));
        setLoading(false);
      },
    );
    return () => controller.abort();
    // `deps` is the caller's list of what the request depends on, like useEffect's;
    // `load` is read through a ref so an inline arrow function does not refetch every render.
  }, [...deps, tick]);

  const { pollMs } = options;
  useEffect(() => {
    if (!pollMs) return;
    const timer = window.setInterval(() => {
      const wanted = pollWhileRef.current?.(dataRef.current) ?? true;
      if (wanted && document.visibilityState === 'visible') setTick((n) => n + 1);
    }, pollMs);
    return () => window.clearInterval(timer);
  }, [pollMs]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, updatedAt, reload };
}

/** A user's action against the server (a save, a send, a delete) and what a button shows of it. */
export interface Action {
  /** True while `run`'s function is in flight. */
  busy: boolean;
  /** The last run's failure (cleared when the next run starts). */
  error: ApiError | undefined;
  /**
   * Runs `fn`: busy meanwhile, its failure kept in `error`. Resolves true when it succeeded.
   * `keepBusy` is for a `fn` that navigates away: busy stays true after it succeeds, since the
   * router shows the next page in a transition, leaving this one on screen (and clickable) while it loads.
   */
  run(fn: () => Promise<unknown>, options?: { keepBusy?: boolean }): Promise<boolean>;
}

/** Busy and error state for an action, so handlers say only what they do and what follows a success. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const run = async (fn: () => Promise<unknown>, { keepBusy = false } = {}) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      if (!keepBusy) setBusy(false);
      return true;
    } catch (e) {
      setError(asApiError(e));
      setBusy(false);
      return false;
    }
  };
  return { busy, error, run };
}

/** `value`, but only after it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** The current time, refreshed every `ms` so relative times ("2 min ago") stay true. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}

/** Sets the browser tab's title to "<title> · Nudge" while the page is shown. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Nudge`;
  }, [title]);
}

export interface LivePreview<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** A request is in flight, or the input changed since the answer on screen. */
  pending: boolean;
}

/**
 * A server answer that follows an input the user is editing (a segment's live count, a template's
 * rendering): asks once the input has been still for `ms`, cancels the answer for an older input,
 * and keeps the last answer on screen meanwhile. `input` null: nothing to ask (yet).
 */
export function useLivePreview<I, T>(input: I | null, load: (input: I, signal: AbortSignal) => Promise<T>, ms = 400): LivePreview<T> {
  const key = input === null ? null : JSON.stringify(input);
  const settled = useDebounced(key, ms);
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(false);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    if (settled === null) return;
    const controller = new AbortController();
    setLoading(true);
    // `settled` is the JSON of an input this hook was given, so parsing it back is exact.
    loadRef.current(JSON.parse(settled) as I, controller.signal).then(
      (answer) => {
        if (controller.signal.aborted) return;
        setData(answer);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(asApiError(e));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [settled]);

  return { data, error, pending: loading || (key !== null && settled !== key) };
}
