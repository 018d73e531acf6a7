// Ids made while a synced mutation runs are derived from the mutation's clock (unique per
// mutation: wall, counter and device) and a running count, so the device, a rebase and the
// server's replay of the same mutation create the same ids. Still UUIDv7 in shape and time
// order, so nothing downstream can tell them from fresh ones.
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

export function mutationIds(hlc: string, wall: number): () => string {
  let n = 0;
  return () => {
    const random = createHash('sha256').update(`${hlc}#${n++}`).digest().subarray(0, 16);
    return uuidv7({ msecs: wall, random: Uint8Array.from(random) });
  };
}
