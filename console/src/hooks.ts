import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type LiveEvent, live } from './live';

/** The state of a load: its data, its error, whether it runs, and how to run it again. */
export interface Loaded<T> {
  data: T | undefined;
  /** When `data` arrived (`performance.now()`), to tell later news from what it already says. */
  loadedAt: number;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` now and whenever `deps` change; a newer run wins over an older one that finishes late. */
export const useLoad = <T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> => {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean; loadedAt: number }>({ loading: true, loadedAt: 0 });
  const run = useRef(0);
  const reload = useCallback(() => {
    const mine = ++run.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => mine === run.current && setState({ data, loading: false, loadedAt: performance.now() }),
      (error: unknown) => mine === run.current && setState((s) => ({ ...s, error, loading: false })),
    );
  }, deps);
  useEffect(reload, [reload]);
  return { data: state.data, error: state.error, loading: state.loading, loadedAt: state.loadedAt, reload };
};

/**
 * Calls `onEvent` for live events that `match` (and every polling tick), at most once per `waitMs`: a burst of
 * deliveries refreshes a list once, not once per message. Nothing is fetched while the tab is hidden (every refresh is
 * a request on the key's plan); one refresh catches up when it shows again.
 */
export const useLiveRefresh = (match: (e: LiveEvent) => boolean, onEvent: () => void, waitMs = 300): void => {
  const latest = useRef({ match, onEvent });
  latest.current = { match, onEvent };
  useEffect(() => {
    let timer: number | undefined;
    let missed = false;
    const run = () => {
      timer = undefined;
      if (document.hidden) missed = true;
      else latest.current.onEvent();
    };
    const off = live.on((e) => {
      if (e.type !== 'tick' && e.type !== 'reset' && !latest.current.match(e)) return;
      if (timer === undefined) timer = window.setTimeout(run, waitMs);
    });
    const onVisible = () => {
      if (!document.hidden && missed) {
        missed = false;
        latest.current.onEvent();
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      off();
      document.removeEventListener('visibilitychange', onVisible);
      window.clearTimeout(timer);
    };
  }, [waitMs]);
};

/** What a live event said of a message: its state, its attempt count when it told, and when it arrived. */
export interface LiveStatus {
  status: string;
  attemptCount?: number;
  at: number;
}

/** The latest state live events told of, by message id: a list shows it over what it loaded, without fetching again. */
export const useLiveStatuses = (): Map<string, LiveStatus> => {
  const [states, setStates] = useState(() => new Map<string, LiveStatus>());
  useEffect(
    () =>
      live.on((e) => {
        const id = e.data.messageId;
        const status = e.data.status;
        if (typeof id !== 'string' || typeof status !== 'string' || e.type === 'schedule.run') return;
        setStates((prev) => {
          const next = new Map(prev);
          next.set(id, { status, at: performance.now(), ...(typeof e.data.attempt === 'number' ? { attemptCount: e.data.attempt } : {}) });
          // Only what a page could show matters: keep the map small on a busy tenant.
          if (next.size > 2_000) next.delete(next.keys().next().value as string);
          return next;
        });
      }),
    [],
  );
  return states;
};
