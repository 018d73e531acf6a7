// Hybrid logical clock: wall milliseconds, a counter for events in the same millisecond, and
// the node that made it. Encoded so that text order is time order, which is what per-field
// last-writer-wins compares.
export interface Hlc {
  wall: number;
  counter: number;
  node: string;
}

export function encodeHlc(h: Hlc): string {
  return `${String(h.wall).padStart(15, '0')}:${String(h.counter).padStart(5, '0')}:${h.node}`;
}

export function decodeHlc(text: string): Hlc | null {
  const m = /^(\d{15}):(\d{5}):([\w-]{1,64})$/.exec(text);
  if (!m) return null;
  return { wall: Number(m[1]), counter: Number(m[2]), node: m[3]! };
}

/** The next clock value for a local event: never behind the last one, nor behind the wall. */
export function tick(last: Hlc | null, now: number, node: string): Hlc {
  if (last === null || now > last.wall) return { wall: now, counter: 0, node };
  return { wall: last.wall, counter: last.counter + 1, node };
}

/** After seeing a remote clock: move past it (but never trust one far in the future). */
export function receive(
  last: Hlc | null,
  remote: Hlc,
  now: number,
  node: string,
  maxAheadMs: number,
): Hlc {
  const remoteWall = Math.min(remote.wall, now + maxAheadMs);
  const wall = Math.max(now, last?.wall ?? 0, remoteWall);
  let counter = 0;
  if (last && wall === last.wall) counter = last.counter + 1;
  if (wall === remoteWall && remote.wall === remoteWall)
    counter = Math.max(counter, remote.counter + 1);
  return { wall, counter, node };
}

/** A clock from the future is clamped to now + maxAheadMs, so it cannot win every later edit. */
export function clampHlc(h: Hlc, now: number, maxAheadMs: number): Hlc {
  return h.wall > now + maxAheadMs
    ? { wall: now + maxAheadMs, counter: h.counter, node: h.node }
    : h;
}
