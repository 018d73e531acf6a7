// Hash routes: #/page/param1/param2?key=value. Works the same under app:// and http://127.0.0.1.
// The query part carries a view's options (e.g. the printable report: #/reports/print?from=…).
import { useEffect, useState } from 'react';

function hashParts(): { path: string; query: string } {
  const hash = window.location.hash.replace(/^#\/?/, '');
  const q = hash.indexOf('?');
  return q < 0 ? { path: hash, query: '' } : { path: hash.slice(0, q), query: hash.slice(q + 1) };
}

export function currentRoute(): string[] {
  return hashParts().path.split('/').filter(Boolean).map(decodeURIComponent);
}

/** The query of the current hash route (#/reports/print?from=2026-01-01 → from). */
export function currentQuery(): URLSearchParams {
  return new URLSearchParams(hashParts().query);
}

/** The hash of a route: hrefOf(['reports', 'print'], {from}) → '#/reports/print?from=…'. */
export function hrefOf(segments: string[], query?: Record<string, string>): string {
  const q = query ? new URLSearchParams(query).toString() : '';
  return '#/' + segments.map(encodeURIComponent).join('/') + (q ? `?${q}` : '');
}

export function navigate(...segments: string[]) {
  window.location.hash = '/' + segments.map(encodeURIComponent).join('/');
}

/** Goes to a route with a query (replaces the query of the current one). */
export function navigateWithQuery(segments: string[], query: Record<string, string>) {
  window.location.hash = hrefOf(segments, query).slice(1);
}

export function useRoute(): string[] {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const on = () => setRoute(currentRoute());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** The query of the current hash route, updated on navigation. */
export function useRouteQuery(): URLSearchParams {
  const [query, setQuery] = useState(() => hashParts().query);
  useEffect(() => {
    const on = () => setQuery(hashParts().query);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return new URLSearchParams(query);
}
