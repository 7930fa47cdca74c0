import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type LiveEvent, live } from './live';

/** The state of a load: its data, its error, whether it runs, and how to run it again. */
export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` now and whenever `deps` change; a newer run wins over an older one that finishes late. */
export const useLoad = <T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> => {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const run = useRef(0);
  const reload = useCallback(() => {
    const mine = ++run.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => mine === run.current && setState({ data, loading: false }),
      (error: unknown) => mine === run.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, deps);
  useEffect(reload, [reload]);
  return { data: state.data, error: state.error, loading: state.loading, reload };
};

/**
 * Calls `onEvent` for live events that `match` (and every polling tick), at most once per `waitMs`: a burst of
 * deliveries refreshes a list once, not once per message.
 */
export const useLiveRefresh = (match: (e: LiveEvent) => boolean, onEvent: () => void, waitMs = 300): void => {
  const latest = useRef({ match, onEvent });
  latest.current = { match, onEvent };
  useEffect(() => {
    let timer: number | undefined;
    const off = live.on((e) => {
      if (e.type !== 'tick' && e.type !== 'reset' && !latest.current.match(e)) return;
      if (timer !== undefined) return;
      timer = window.setTimeout(() => {
        timer = undefined;
        latest.current.onEvent();
      }, waitMs);
    });
    return () => {
      off();
      window.clearTimeout(timer);
    };
  }, [waitMs]);
};
