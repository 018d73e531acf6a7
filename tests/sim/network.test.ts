// The simulator's network (network.ts) on its own: what it does must follow from the seed and
// the calls made, never from how long the run has taken.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Network } from './network';
import { rng } from './random';

let server: Server | null = null;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

/** A server that answers every request and counts the bodies it received. */
async function counting(): Promise<{ url: string; received: string[] }> {
  const received: string[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push(body);
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, received };
}

describe('sim network', () => {
  it('delivers a stale push again after the request it copied has timed out', async () => {
    const { url, received } = await counting();
    const net = new Network(rng(1));
    net.faults = { drop: 0, lostResponse: 0, duplicate: 0, stale: 1 };
    // The sync client gives each request AbortSignal.timeout(requestTimeoutMs) (core/sync/client.ts).
    // Here that timeout fires (by hand, no waiting) after the push was answered and copied, as
    // it does in a run that takes longer than requestTimeoutMs between the two deliveries.
    const timeout = new AbortController();
    const res = await net.fetchFor()(`${url}/v1/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"push":1}',
      signal: timeout.signal,
    });
    await res.text();
    timeout.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    await net.deliverStale();
    expect(net.stats.staleDelivered).toBe(1);
    expect(received).toEqual(['{"push":1}', '{"push":1}']);
  });
});
