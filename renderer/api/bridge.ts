// The bridge to the core host: window.qundesk in Electron (set by the preload), or the same
// shape over HTTP in browser mode (token from the URL, kept for the tab's session).
import type { AppInfo, BridgeEvent, QundeskBridge } from '../../core/host/bridge';
import type { HostResponse } from '../../core/host/host';

declare global {
  interface Window {
    qundesk?: QundeskBridge;
  }
}

export type BrowserAppInfo = AppInfo & { filesDir?: string };

function browserToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem('qundesk.token', fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem('qundesk.token') ?? '';
}

function httpBridge(): QundeskBridge {
  const token = browserToken();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const listeners = new Set<(e: BridgeEvent) => void>();
  let source: EventSource | null = null;

  const post = async (path: string, body: unknown) => {
    const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
    if (res.status === 401) throw new Error('UNAUTHORIZED: open the URL printed by npm run web');
    return res.json();
  };

  return {
    async call(request) {
      return (await post('/api/call', request)) as HostResponse;
    },
    cancel(id) {
      void post('/api/cancel', { id });
    },
    onEvent(listener) {
      listeners.add(listener);
      if (!source) {
        source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
        source.onmessage = (m) => {
          const event = JSON.parse(String(m.data)) as BridgeEvent;
          for (const l of listeners) l(event);
        };
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
    async appInfo() {
      const res = await fetch('/api/info', { headers });
      return (await res.json()) as BrowserAppInfo;
    },
    async chooseFile() {
      return null;
    },
    async openExternal(url) {
      window.open(url, '_blank', 'noopener');
    },
    updates: {
      async check() {},
      async download() {},
      async install() {},
      async setFeedUrl() {},
    },
  };
}

export const bridge: QundeskBridge = window.qundesk ?? httpBridge();
export const isBrowserMode = !window.qundesk;

/** In browser mode, a file the host wrote into its files folder, handed to the browser. */
export function downloadUrl(file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  return `/api/files/${encodeURIComponent(name)}?token=${encodeURIComponent(browserToken())}`;
}
