// Reproducible UUIDv7-shaped ids for the demo business. A real id (newId) is time + random, so
// two runs would differ; here the 48-bit time is the row's own (made-up) instant and the rest
// is a sequence number plus seeded noise, so the same seed gives the same ids, ids still sort
// roughly by time, and no two ids of one run can collide (the sequence never repeats).
import { Random } from './random';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const hex8 = (x: number): string =>
  HEX[x >>> 24]! + HEX[(x >>> 16) & 255]! + HEX[(x >>> 8) & 255]! + HEX[x & 255]!;

export class DemoIds {
  private seq = 0;
  private readonly random: Random;

  constructor(seed: number) {
    this.random = new Random(seed, 'ids');
  }

  /** An id for a row made at `epochMs` (milliseconds since 1970, UTC). */
  at(epochMs: number): string {
    const seq = ++this.seq;
    const noise = this.random.next();
    const high = Math.floor(epochMs / 4294967296); // the top 16 of the 48 time bits
    const time = HEX[(high >>> 8) & 255]! + HEX[high & 255]! + hex8(epochMs >>> 0);
    // Layout (RFC 9562): 48 bits of time, version 7, then the sequence (so ids made in the
    // same millisecond still sort in the order they were made: appends, not page splits),
    // the variant bits 10, and seeded noise.
    const a = (seq >>> 20) & 0xfff;
    return (
      time.slice(0, 8) +
      '-' +
      time.slice(8, 12) +
      '-7' +
      HEX[a >>> 8]!.charAt(1) +
      HEX[a & 255]! +
      '-' +
      HEX[0x80 | ((seq >>> 14) & 0x3f)]! +
      HEX[(seq >>> 6) & 255]! +
      '-' +
      HEX[((seq & 0x3f) << 2) | (noise >>> 30)]! +
      HEX[(noise >>> 22) & 255]! +
      hex8(noise & 0x3fffff)
    );
  }
}
