// The network between a device and the server, as the simulator wants it: requests dropped
// before they arrive, responses lost after the server committed, requests delivered twice,
// and old requests delivered again later (out of order). Only sync traffic is disturbed.
import type { Fetch } from '../../core/sync/client';
import type { Rng } from './random';

export interface Faults {
  drop: number;
  lostResponse: number;
  duplicate: number;
  /** Keep a copy of a push to deliver again later. */
  stale: number;
}

export const NO_FAULTS: Faults = { drop: 0, lostResponse: 0, duplicate: 0, stale: 0 };

export interface Stats {
  requests: number;
  dropped: number;
  lost: number;
  duplicated: number;
  staleDelivered: number;
}

/** A request body as the trace shows it (the start of a long one, and its length). */
function shown(body: RequestInit['body']): string {
  const text = typeof body === 'string' ? body : '';
  return text.length > 300 ? `${text.slice(0, 300)}…(${text.length})` : text;
}

export class Network {
  faults: Faults = NO_FAULTS;
  readonly stats: Stats = { requests: 0, dropped: 0, lost: 0, duplicated: 0, staleDelivered: 0 };
  private readonly stash: { url: string; init: RequestInit }[] = [];
  /** What happened on the wire, in order (SIM_TRACE_DIR: written out per run to compare runs). */
  readonly trace: string[] = [];

  constructor(private readonly random: Rng) {}

  fetchFor(): Fetch {
    return async (url, init) => {
      this.stats.requests += 1;
      const path = url.replace(/^https?:\/\/[^/]+/, '');
      if (!url.includes('/v1/sync/')) {
        this.trace.push(`plain ${path}`);
        return fetch(url, init);
      }
      const f = this.faults;
      const r = this.random();
      this.trace.push(`sync ${path} r=${r.toFixed(6)} ${shown(init.body)}`);
      if (r < f.drop) {
        this.stats.dropped += 1;
        throw new TypeError('fetch failed (simulated: request dropped)');
      }
      if (r < f.drop + f.lostResponse) {
        this.stats.lost += 1;
        const res = await fetch(url, init);
        await res.text();
        throw new TypeError('fetch failed (simulated: response lost after the server answered)');
      }
      if (r < f.drop + f.lostResponse + f.duplicate) {
        this.stats.duplicated += 1;
        const first = await fetch(url, init);
        await first.text();
        return fetch(url, init);
      }
      if (r < f.drop + f.lostResponse + f.duplicate + f.stale && url.endsWith('/push')) {
        // Kept without the client's signal: that is its timeout for this delivery
        // (AbortSignal.timeout in core/sync/client.ts), long expired in a run slower than
        // that when the copy goes out again, which made the replay throw instead of arriving.
        this.stash.push({ url, init: { ...init, signal: null } });
      }
      return fetch(url, init);
    };
  }

  /** Delivers one old request again (its answer goes nowhere). */
  async deliverStale(): Promise<void> {
    if (this.stash.length === 0) return;
    const i = Math.floor(this.random() * this.stash.length);
    const [req] = this.stash.splice(i, 1);
    this.stats.staleDelivered += 1;
    this.trace.push(`stale ${req!.url.replace(/^https?:\/\/[^/]+/, '')} ${shown(req!.init.body)}`);
    const res = await fetch(req!.url, req!.init);
    await res.text();
  }
}
