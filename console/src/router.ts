import { useEffect, useState } from 'preact/hooks';

/** The console's pages, routed by the URL's hash (`#/messages`), so the server has one path to serve. */
export const pages = ['overview', 'apps', 'messages', 'schedules', 'keys', 'usage'] as const;
export type PageName = (typeof pages)[number];

/** A parsed hash: the page and its parameters (`#/messages?status=failed&id=msg_…`). */
export interface Route {
  page: PageName;
  params: URLSearchParams;
}

export const parseHash = (hash: string): Route => {
  const [path, q] = hash.replace(/^#\/?/, '').split('?');
  const page = (pages as readonly string[]).includes(path) ? (path as PageName) : 'overview';
  return { page, params: new URLSearchParams(q ?? '') };
};

/** The hash of a page with parameters (empty ones left out). */
export const href = (page: PageName, params: Record<string, string | undefined> = {}): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return `#/${page}${s ? `?${s}` : ''}`;
};

/** Goes to a page (a history entry, so Back works). */
export const navigate = (page: PageName, params: Record<string, string | undefined> = {}): void => {
  window.location.hash = href(page, params);
};

/** The current route, following hash changes. */
export const useRoute = (): Route => {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
};
