// Tells the core host when the network comes back (or goes away). The renderer's 'online' event
// only fires while a page is loaded, and not at all when the machine wakes from sleep on the
// same network; so main polls net.isOnline() and listens to powerMonitor's 'resume', and
// forwards each change to the host (HostProcess.networkChanged), whose sync client then syncs
// at once instead of waiting out its retry backoff. The watcher is written against small
// interfaces (tested with fakes); watchNetwork wires it to Electron.
import { net, powerMonitor } from 'electron';

export interface PowerMonitorLike {
  on(event: 'resume', listener: () => void): unknown;
  removeListener(event: 'resume', listener: () => void): unknown;
}

export interface NetworkWatcherOptions {
  /** net.isOnline(): false means surely offline; true only that some network is up. */
  isOnline: () => boolean;
  /** Called with the new state when it changes, and after a resume from sleep. */
  notify: (online: boolean) => void;
  powerMonitor?: PowerMonitorLike;
  /** How often to look (default 5 s). */
  intervalMs?: number;
  log?: (message: string) => void;
}

export const NETWORK_POLL_MS = 5_000;

export class NetworkWatcher {
  private online: boolean | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly onResume = () => this.resumed();

  constructor(private readonly options: NetworkWatcherOptions) {}

  /** Starts watching; the state at start is taken as known (the host syncs on start anyway). */
  start(): void {
    if (this.timer !== null) return;
    this.online = this.read() ?? true;
    this.timer = setInterval(() => this.check(), this.options.intervalMs ?? NETWORK_POLL_MS);
    this.timer.unref?.();
    this.options.powerMonitor?.on('resume', this.onResume);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.options.powerMonitor?.removeListener('resume', this.onResume);
  }

  /** Looks once; tells the host when the state changed. */
  check(): void {
    const now = this.read();
    if (now === null || now === this.online) return;
    this.online = now;
    this.send(now);
  }

  /** After sleep, connections may be dead and the state unchanged: tell the host either way. */
  private resumed(): void {
    const now = this.read();
    if (now === null) return;
    this.online = now;
    this.send(now);
  }

  private read(): boolean | null {
    try {
      return this.options.isOnline();
    } catch (err) {
      this.options.log?.(`network state unknown: ${String(err)}`);
      return null;
    }
  }

  private send(online: boolean): void {
    try {
      this.options.notify(online);
    } catch (err) {
      this.options.log?.(`network change not delivered: ${String(err)}`);
    }
  }
}

/** Watches Electron's view of the network (call after app ready: powerMonitor needs it). */
export function watchNetwork(
  notify: (online: boolean) => void,
  options: { intervalMs?: number; log?: (message: string) => void } = {},
): NetworkWatcher {
  const watcher = new NetworkWatcher({
    isOnline: () => net.isOnline(),
    powerMonitor,
    notify,
    ...options,
  });
  watcher.start();
  return watcher;
}
