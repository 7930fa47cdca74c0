import type { Route } from '../http/routes';

/** A compiled route table: method + path → route and path parameters. */
export interface Match {
  route: Route;
  params: Record<string, string>;
}

interface Compiled {
  route: Route;
  segments: string[];
}

/** Compiles the route table once; `match` is a segment-by-segment comparison. */
export const createRouter = (routes: readonly Route[]) => {
  const compiled: Compiled[] = routes.map((route) => ({ route, segments: route.path.split('/').slice(1) }));
  /** Routes without parameters by `METHOD path`: such a match has no parameters, so nothing beats it. */
  const literal = new Map<string, Route>();
  for (const c of compiled) {
    const key = `${c.route.method} ${c.route.path}`;
    if (!c.segments.some((s) => s.startsWith('{')) && !literal.has(key)) literal.set(key, c.route);
  }
  const fitRoute = (c: Compiled, parts: string[]): Record<string, string> | undefined => {
    if (c.segments.length !== parts.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      const seg = c.segments[i];
      if (seg.startsWith('{')) {
        if (!parts[i]) return undefined;
        params[seg.slice(1, -1)] = parts[i];
      } else if (seg !== parts[i]) return undefined;
    }
    return params;
  };
  return {
    /** The route for `method path`, or `{ allowed }` listing the methods the path does support (and its `template`). */
    match(method: string, path: string): Match | { allowed: string[]; template?: string } {
      const exact = literal.get(`${method} ${path}`);
      if (exact) return { route: exact, params: {} };
      const parts = path.split('/').slice(1);
      const allowed: string[] = [];
      let template: string | undefined;
      let best: Match | undefined;
      for (const c of compiled) {
        const params = fitRoute(c, parts);
        if (!params) continue;
        // A literal segment beats a parameter (`/v1/messages/batch` vs `/v1/messages/{messageId}`).
        if (c.route.method === method) {
          if (!best || Object.keys(params).length < Object.keys(best.params).length) best = { route: c.route, params };
        } else {
          allowed.push(c.route.method);
          template ??= c.route.path;
        }
      }
      return best ?? { allowed, ...(template ? { template } : {}) };
    },
  };
};
