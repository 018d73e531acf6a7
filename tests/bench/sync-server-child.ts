// A bench's cloud server in a process of its own, as in production (the device and the server
// do not share a thread): node --import tsx tests/bench/sync-server-child.ts, with
// QUNDESK_BENCH_SERVER_DB (a SQLite file or a postgres:// URL) and QUNDESK_BENCH_JWT_SECRET.
// Prints {"url": "http://127.0.0.1:<port>"} on stdout once listening; SIGTERM closes it.
import { buildServer } from '../../server/app';
import { createServerDb } from '../../server/db';

const target = process.env.QUNDESK_BENCH_SERVER_DB ?? '';
const db = await createServerDb(/^postgres/i.test(target) ? { url: target } : { file: target });
const app = await buildServer({
  db,
  rateLimit: false,
  jwtSecret: process.env.QUNDESK_BENCH_JWT_SECRET ?? '',
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('no TCP address');
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => db.destroy())
    .finally(() => process.exit(0));
});
