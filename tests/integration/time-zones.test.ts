// Dates in the seller's time zone. Every machine here runs in UTC, where a day turned into a
// local-midnight Date and back through UTC looks right; east of Greenwich it moved to the day
// before and every date a seller typed was refused ("not a real date"). Each zone below runs
// the same steps in a child process with TZ set (a real store, the real core): a business that
// follows the machine's zone takes the days typed, keeps them as typed, and counts "today" and
// timestamps in its zone.
import { describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { dayAt } from '../../core/shared/days';
import { openStore } from '../../db/store';
import { createCore } from '../../core/api/dispatcher';
import { newBusiness, testClock } from '../support/store';

const REPO = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

const ZONES = [
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Europe/Berlin',
  'Europe/London',
  'UTC',
  'America/Sao_Paulo',
  'America/Los_Angeles',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
];

async function probe(zone: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'tests/support/zone-probe.ts'],
    {
      cwd: REPO,
      env: { ...process.env, TZ: zone },
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('dates in every time zone', () => {
  it('takes the days a seller types, keeps them as typed, and counts today in the zone', async () => {
    // Two at a time: one per core.
    const results: Record<string, unknown>[] = [];
    for (let i = 0; i < ZONES.length; i += 2)
      results.push(...(await Promise.all(ZONES.slice(i, i + 2).map(probe))));
    for (const [i, zone] of ZONES.entries()) {
      expect(results[i], zone).toEqual({
        zone,
        refused: [],
        invalidAccepted: [],
        nextDays: [
          '2026-03-02',
          '2026-03-09',
          '2026-03-30',
          '2026-10-26',
          '2026-11-02',
          '2027-01-01',
          '2024-03-01',
        ],
        today: dayAt('2026-12-07T20:30:00Z', { timeZone: zone }),
        order: { orderedOn: '2026-03-29', orderNo: 'QD20260329-0001' },
        paidOn: '2026-03-29',
        spentOn: '2026-03-01',
        pnlDays: ['2026-03-01', '2026-03-29'],
        imported: expect.anything(),
        // A plain day is the day; a time with a zone falls on the business's day.
        importedDays: ['2026-10-25', dayAt('2026-10-31T17:30:00Z', { timeZone: zone })].sort(),
        dayOfInstant: '2026-12-08',
      });
    }
  });

  it('the command line takes report dates in Asia/Shanghai (was: "from: not a real date")', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qundesk-tz-cli-'));
    try {
      const file = join(dir, 'shop.sqlite');
      const store = openStore(file);
      await createCore({ store }).invoke('workspace.init', { name: '我的小店' });
      await store.close();
      const r = spawnSync(
        process.execPath,
        [
          'bin/qundesk.mjs',
          '--store',
          file,
          'report',
          'pnl',
          '--from',
          '2026-03-01',
          '--to',
          '2026-03-31',
          '--format',
          'json',
        ],
        { cwd: REPO, env: { ...process.env, TZ: 'Asia/Shanghai' }, encoding: 'utf8' },
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ from: '2026-03-01', to: '2026-03-31' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the business's time zone", () => {
  it('today follows the setting, not the machine; null follows the machine again', async () => {
    // 2026-12-07 20:30 UTC is the 8th in Shanghai and the 7th in Los Angeles.
    const biz = await newBusiness({ clock: testClock('2026-12-07T20:30:00Z'), timeZone: null });
    try {
      const get = () =>
        biz.core.invoke('workspace.get', {}) as Promise<{ timeZone: string; today: string }>;
      const machine = Intl.DateTimeFormat().resolvedOptions().timeZone;
      expect(await get()).toMatchObject({
        timeZone: machine,
        today: dayAt('2026-12-07T20:30:00Z', { timeZone: machine }),
      });
      await biz.core.invoke('workspace.update', { timeZone: 'Asia/Shanghai' });
      expect(await get()).toMatchObject({ timeZone: 'Asia/Shanghai', today: '2026-12-08' });
      const e = (await biz.core.invoke('expense.record', { category: 'ads', amount: 100 })) as {
        spentOn: string;
      };
      expect(e.spentOn).toBe('2026-12-08');
      await biz.core.invoke('workspace.update', { timeZone: 'America/Los_Angeles' });
      expect(await get()).toMatchObject({ timeZone: 'America/Los_Angeles', today: '2026-12-07' });
      await biz.core.invoke('workspace.update', { timeZone: null });
      expect((await get()).timeZone).toBe(machine);
    } finally {
      await biz.close();
    }
  });

  it('refuses a zone the runtime does not know, naming the field, and changes nothing', async () => {
    const biz = await newBusiness();
    try {
      const before = biz.snapshot();
      const r = await biz.core.call('workspace.update', { timeZone: 'Mars/Olympus' });
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION', details: { issues: [{ path: 'timeZone' }] } },
      });
      expect(biz.snapshot()).toEqual(before);
    } finally {
      await biz.close();
    }
  });

  it('a customer added in the evening UTC is exported on the business day it was added', async () => {
    // 2026-12-07 20:30 UTC = 2026-12-08 04:30 in Shanghai: the seller added them on the 8th.
    const biz = await newBusiness({ clock: testClock('2026-12-07T20:30:00Z') });
    try {
      await biz.core.invoke('customer.create', { name: '王芳', phone: '13812345678' });
      const file = join(biz.dir, 'customers.csv');
      const r = await biz.core.invoke('export.run', {
        kind: 'customers',
        file,
        from: '2026-12-08',
        to: '2026-12-08',
      });
      expect(r.rows).toBe(1);
      expect(readFileSync(file, 'utf8')).toContain('2026-12-08');
      const before = await biz.core.invoke('export.run', {
        kind: 'customers',
        file: join(biz.dir, 'before.csv'),
        from: '2026-12-01',
        to: '2026-12-07',
      });
      expect(before.rows).toBe(0);
    } finally {
      await biz.close();
    }
  });
});
