// The security checklist of ARCHITECTURE.md as plain functions: what a window may load,
// where it may navigate, which URLs may leave the app, which permissions it gets (none),
// and the CSP. Electron objects come in as parameters so tests can pass fakes.
import type { Session, WebContents, WebPreferences } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'qundesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** webPreferences for every window: isolated, sandboxed, no node, web security on. */
export function secureWebPreferences(
  preload: string,
  options: { devTools: boolean },
): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: options.devTools,
  };
}

/**
 * The Content-Security-Policy of the renderer. Scripts only from the app itself; styles also
 * inline because Ant Design's CSS-in-JS inserts <style> tags. The dev server (vite) needs its
 * origin, a websocket for HMR and the inline React-refresh preamble; never in a packaged app.
 */
export function contentSecurityPolicy(options: { devServer?: string } = {}): string {
  const dev = options.devServer ? new URL(options.devServer) : null;
  const self = dev ? `'self' ${dev.origin}` : "'self'";
  const ws = dev ? ` ws://${dev.host}` : '';
  return [
    "default-src 'none'",
    `script-src ${self}${dev ? " 'unsafe-inline'" : ''}`,
    `style-src ${self} 'unsafe-inline'`,
    `img-src ${self} data: blob:`,
    `font-src ${self} data:`,
    `connect-src ${self}${ws}`,
    `worker-src ${self} blob:`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function parseUrl(value: unknown): URL | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/**
 * A URL the OS browser may open: http(s) only, with a host, no credentials in it. Returns the
 * normalized href, or null. Everything else (javascript:, file:, app:, data:, smb:, custom
 * schemes that launch other programs) is refused.
 */
export function safeExternalUrl(value: unknown): string | null {
  const url = parseUrl(value);
  if (!url) return null;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (!url.hostname || url.username || url.password) return null;
  return url.href;
}

/** The origins a window may navigate within: the app itself, and the dev server in dev. */
export function allowedOrigins(devServer?: string): string[] {
  const origins = [APP_ORIGIN];
  if (devServer) origins.push(new URL(devServer).origin);
  return origins;
}

export type NavigationDecision = 'allow' | 'external' | 'deny';

/** In-app navigation stays in the allow-list; a web link goes to the OS browser; else nothing. */
export function decideNavigation(value: unknown, origins: readonly string[]): NavigationDecision {
  const url = parseUrl(value);
  if (!url) return 'deny';
  // URL.origin is "null" for non-special schemes, so compare scheme and host ourselves.
  const origin = `${url.protocol}//${url.host}`;
  if (origins.includes(origin)) return 'allow';
  return safeExternalUrl(value) ? 'external' : 'deny';
}

/**
 * Only the app's own pages may talk to main: app://qundesk, plus the dev server's origin in
 * development (pass allowedOrigins(devServer)).
 */
export function isTrustedSenderUrl(
  value: unknown,
  origins: readonly string[] = [APP_ORIGIN],
): boolean {
  const url = parseUrl(value);
  return url !== null && origins.includes(`${url.protocol}//${url.host}`);
}

/** Every permission (camera, notifications, geolocation, clipboard, HID, ...) is refused. */
export function applySessionSecurity(
  session: Pick<
    Session,
    'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
  >,
): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

export interface GuardOptions {
  origins: readonly string[];
  openExternal: (url: string) => void;
  log?: (message: string) => void;
}

type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * Guards one webContents: window.open is always denied (web links open in the OS browser),
 * navigation and redirects outside the allow-list are stopped, <webview> is never attached.
 */
export function guardWebContents(contents: GuardedContents, options: GuardOptions): void {
  const log = options.log ?? (() => undefined);
  const leave = (url: string): void => {
    const href = safeExternalUrl(url);
    if (href) options.openExternal(href);
  };
  contents.setWindowOpenHandler(({ url }) => {
    leave(url);
    return { action: 'deny' };
  });
  const guard = (event: { preventDefault(): void }, url: string): void => {
    const decision = decideNavigation(url, options.origins);
    if (decision === 'allow') return;
    event.preventDefault();
    log(`navigation refused: ${url.slice(0, 200)}`);
    if (decision === 'external') leave(url);
  };
  contents.on('will-navigate', (event, url) => guard(event, url));
  contents.on('will-redirect', (event, url) => guard(event, url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
