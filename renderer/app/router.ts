// Hash routes: #/page/param1/param2. Works the same under app:// and http://127.0.0.1.
import { useEffect, useState } from 'react';

export function currentRoute(): string[] {
  return window.location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
}

export function navigate(...segments: string[]) {
  window.location.hash = '/' + segments.map(encodeURIComponent).join('/');
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
