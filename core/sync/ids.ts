// Ids made while a synced mutation runs are derived from the mutation's clock (unique per
// mutation: wall, counter and device) and a running count, so the device, a rebase and the
// server's replay of the same mutation create the same ids. Still UUIDv7 in shape and time
// order, so nothing downstream can tell them from fresh ones.
import { hash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

export function mutationIds(hlc: string, wall: number): () => string {
  let n = 0;
  return () => {
    // One-shot hash (the same digest as createHash, without a Hash object per id).
    const random = hash('sha256', `${hlc}#${n++}`, 'buffer').subarray(0, 16);
    return uuidv7({ msecs: wall, random });
  };
}
