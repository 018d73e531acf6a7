// `qundesk`: the same core as the app, in-process. Each command is one call through the contract
// (workspace.init, demo.generate, import.run, figures.pnl, report.export, export.run, or any
// method by name). Exit codes: 0 done, 1 the operation failed, 2 bad usage.
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Core } from '../api/dispatcher';
import { AppError, isStoreBusy, storeBusy } from '../api/errors';
import type { AnyMethod } from '../api/define';
import type { PnlBreakdown } from '../figures/report';
import { APP_VERSION } from '../exports/about';
import { EXPORT_KINDS } from '../exports/kinds';
import { IMPORT_KINDS } from '../imports/fields';
import { processIo, progressPrinter, type CliIo } from './io';
import { describeImport } from './import-report';
import { pnlText } from './table';
import { ImportRefused, printError, UsageError } from './errors';

/**
 * The P&L breakdowns figures.pnl accepts (a test keeps this list equal to the figures' own).
 * Listed here, like the kinds above, so usage errors, --help and --version answer without
 * loading the store and every domain of the core (seconds under tsx); the core loads only
 * when a command needs the store.
 */
export const PNL_BREAKDOWNS = [
  'day',
  'week',
  'month',
  'product',
  'category',
  'group',
  'agent',
  'campaign',
  'customer',
  'fee',
] as const satisfies readonly PnlBreakdown[];

interface GlobalOptions {
  store?: string;
}

/** Runs the CLI on argv (without node and script); returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const progress = progressPrinter(io);
  const program = buildProgram(io, progress);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    progress.done();
    if (err instanceof CommanderError) {
      // Commander has already printed its message (or the help / version asked for).
      return err.exitCode === 0 ? 0 : 2;
    }
    return printError(io, err);
  }
}

type Progress = ReturnType<typeof progressPrinter>;

function buildProgram(io: CliIo, progress: Progress): Command {
  const program = new Command('qundesk')
    .description(
      'QunDesk for community sellers: set up a store, import, report and export from the command line.',
    )
    .version(APP_VERSION)
    .option('--store <file>', 'the store file (default: $QUNDESK_STORE)')
    .addHelpText(
      'after',
      '\nSync: on a store signed in to a sync server (in the app), qundesk acts as the\n' +
        "signed-in user (on an agent's store, that agent) and records each change in the\n" +
        "store's outbox, as the app does. It never connects to the server itself: the\n" +
        'app sends the changes the next time it syncs.\n',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(add --help for usage)');

  /** Opens the store named by --store or $QUNDESK_STORE, runs fn with a core, and closes it. */
  async function withCore(
    cmd: Command,
    create: boolean,
    fn: (core: Core, file: string) => Promise<void>,
  ) {
    const named = (cmd.optsWithGlobals() as GlobalOptions).store ?? io.env.QUNDESK_STORE;
    if (!named) {
      throw new UsageError('Name the store file: add --store FILE (or set QUNDESK_STORE=FILE).');
    }
    const file = resolve(named);
    if (!create && !existsSync(file)) {
      throw new AppError(
        'NOT_FOUND',
        `There is no store at ${file}. Create one with: qundesk --store ${named} init`,
        {
          what: 'store',
          id: file,
        },
      );
    }
    const { openStore, StoreTooNewError } = await import('../../db/store');
    const { createCore } = await import('../api/dispatcher');
    const { systemClock } = await import('../api/context');
    const { createRecorder, deviceActor, getState } = await import('../sync/device');
    let store;
    // How long a write waits for the app (or another CLI) to finish with the store.
    const busy = Number(io.env.QUNDESK_BUSY_TIMEOUT_MS);
    try {
      store = openStore(file, Number.isFinite(busy) && busy >= 0 ? { busyTimeoutMs: busy } : {});
    } catch (err) {
      if (err instanceof StoreTooNewError) throw new AppError('INVALID_STATE', err.message);
      if (isStoreBusy(err)) throw storeBusy();
      throw new AppError(
        'INTERNAL',
        `Could not open the store ${file}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    try {
      // The core the app's host builds: it acts as whoever the store is signed in as (an
      // agent's store: that agent), and records every synced change in the outbox in the
      // change's own transaction. The CLI never syncs: the app sends them at its next sync.
      const core = createCore({
        store,
        actor: () => deviceActor(store.sqlite),
        recorder: createRecorder(store, systemClock),
      });
      await fn(core, file);
    } catch (err) {
      let agent: string | null = null;
      try {
        if (getState(store.sqlite, 'role') === 'agent')
          agent = getState(store.sqlite, 'user_email') ?? '';
      } catch {
        // the store cannot say who signed in: the error stays as it is
      }
      throw agent === null ? err : refusedToAgent(err, agent);
    } finally {
      progress.done();
      await store.close();
    }
  }

  const onProgress = progress.update;

  program
    .command('init')
    .description('Start a new business in a new (or empty) store file.')
    .option('--currency <code>', 'currency of every amount (CNY, HKD, USD, JPY ...)', 'CNY')
    .option('--name <name>', 'the business name')
    .action(async (opts: { currency: string; name?: string }, cmd: Command) => {
      await withCore(cmd, true, async (core, file) => {
        const s = await core.invoke('workspace.init', {
          currency: opts.currency,
          ...(opts.name !== undefined && { name: opts.name }),
        });
        io.out(`Started "${s.name}" (${s.currency}) in ${file}\n`);
      });
    });

  program
    .command('demo')
    .description(
      'Fill the store with realistic demo data (customers, groups, products, orders ...); not on a store signed in to a sync server.',
    )
    .option('--seed <n>', 'random seed: the same seed gives the same data', wholeNumber)
    .addOption(
      new Option('--scale <scale>', 'how much data')
        .choices(['small', 'medium', 'large'])
        .conflicts(['orders', 'customers']),
    )
    .option('--orders <n>', 'number of orders', wholeNumber)
    .option('--customers <n>', 'number of customers', wholeNumber)
    .action(
      async (
        opts: { seed?: number; scale?: string; orders?: number; customers?: number },
        cmd: Command,
      ) => {
        await withCore(cmd, false, async (core) => {
          const value = await core
            .invoke(
              'demo.generate',
              {
                ...(opts.seed !== undefined && { seed: opts.seed }),
                ...(opts.scale !== undefined && {
                  scale: opts.scale as 'small' | 'medium' | 'large',
                }),
                ...(opts.orders !== undefined && { orders: opts.orders }),
                ...(opts.customers !== undefined && { customers: opts.customers }),
              },
              { onProgress },
            )
            .catch((err: unknown) => {
              throw demoRefused(err);
            });
          progress.done();
          io.out(`Demo data written:\n${summaryLines(value)}`);
        });
      },
    );

  program
    .command('import')
    .description(
      'Import customers, products or orders from a .csv or .xlsx file (all rows or none).',
    )
    .addArgument(new Argument('<kind>', 'what the file holds').choices(IMPORT_KINDS))
    .argument('<file>', 'the .csv or .xlsx file')
    .option(
      '--map <field=Column,...>',
      'which column feeds a field (repeatable)',
      collectMappings,
      {},
    )
    .option('--dry-run', 'check everything and report, but write nothing')
    .option('--no-stock', 'orders only: bring in history without moving stock')
    .action(
      async (
        kind: (typeof IMPORT_KINDS)[number],
        file: string,
        opts: { map: Record<string, string>; dryRun?: boolean; stock: boolean },
        cmd: Command,
      ) => {
        await withCore(cmd, false, async (core) => {
          const r = await core.invoke(
            'import.run',
            {
              kind,
              file: resolve(file),
              ...(Object.keys(opts.map).length > 0 && { mapping: opts.map }),
              dryRun: opts.dryRun === true,
              moveStock: opts.stock,
            },
            { onProgress },
          );
          progress.done();
          const text = describeImport(r, file);
          if (text.warnings) io.err(text.warnings);
          if (r.errors.length > 0) {
            io.err(text.summary);
            throw new ImportRefused();
          }
          io.out(text.summary);
        });
      },
    );

  const report = program.command('report').description('Reports.');
  report
    .command('pnl')
    .description('Profit and loss for a date range (the same figures as the app).')
    .requiredOption('--from <day>', 'first day, YYYY-MM-DD', dayArg)
    .requiredOption('--to <day>', 'last day, YYYY-MM-DD', dayArg)
    .addOption(new Option('--by <breakdown>', 'rows by').choices(PNL_BREAKDOWNS).default('month'))
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'json', 'csv', 'xlsx'])
        .default('table'),
    )
    .option('--out <file>', 'write to this file instead of the screen')
    .action(
      async (
        opts: { from: string; to: string; by: PnlBreakdown; format: string; out?: string },
        cmd: Command,
      ) => {
        if (opts.format === 'xlsx' && !opts.out)
          throw new UsageError('--format xlsx needs --out FILE.xlsx');
        await withCore(cmd, false, async (core, storeFile) => {
          const range = { from: opts.from, to: opts.to, by: opts.by };
          if (opts.format === 'csv' || opts.format === 'xlsx') {
            const format = opts.format;
            if (opts.out) {
              const r = await core.invoke('report.export', {
                ...range,
                file: resolve(opts.out),
                format,
              });
              io.out(`Wrote the P&L (${r.rows} rows) to ${r.file}\n`);
              return;
            }
            // CSV on stdout: the very file report.export writes, passed through.
            const dir = mkdtempSync(join(tmpdir(), 'qundesk-report-'));
            try {
              const file = join(dir, 'pnl.csv');
              await core.invoke('report.export', { ...range, file, format });
              io.out(readFileSync(file, 'utf8'));
            } finally {
              rmSync(dir, { recursive: true, force: true });
            }
            return;
          }
          const value = await core.invoke('figures.pnl', range);
          const text =
            opts.format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : pnlText(value);
          if (opts.out) {
            const { writeOutputText } = await import('../exports/output');
            await writeOutputText(opts.out, text, { store: [storeFile], field: '--out' });
            io.out(`Wrote the P&L to ${resolve(opts.out)}\n`);
          } else {
            io.out(text);
          }
        });
      },
    );

  report
    .command('commissions')
    .description('Commissions by agent accrued in a date range, by level and status (the ledger).')
    .requiredOption('--from <day>', 'first day, YYYY-MM-DD', dayArg)
    .requiredOption('--to <day>', 'last day, YYYY-MM-DD', dayArg)
    .option('--agent <id>', 'one agent only')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'json', 'csv', 'xlsx'])
        .default('table'),
    )
    .option('--out <file>', 'write to this file instead of the screen')
    .action(
      async (
        opts: { from: string; to: string; agent?: string; format: string; out?: string },
        cmd: Command,
      ) => {
        if (opts.format === 'xlsx' && !opts.out)
          throw new UsageError('--format xlsx needs --out FILE.xlsx');
        await withCore(cmd, false, async (core, storeFile) => {
          const range = {
            from: opts.from,
            to: opts.to,
            ...(opts.agent !== undefined && { agentId: opts.agent }),
          };
          if (opts.format === 'csv' || opts.format === 'xlsx') {
            if (opts.out && !opts.out.toLowerCase().endsWith(`.${opts.format}`))
              throw new UsageError(`--format ${opts.format} needs --out FILE.${opts.format}`);
            const dir = opts.out ? null : mkdtempSync(join(tmpdir(), 'qundesk-report-'));
            try {
              const file = opts.out ? resolve(opts.out) : join(dir!, 'commissions.csv');
              const r = await core.invoke('commission.reportExport', { ...range, file });
              if (opts.out) io.out(`Wrote the commissions report (${r.rows} rows) to ${r.file}\n`);
              else io.out(readFileSync(file, 'utf8'));
            } finally {
              if (dir) rmSync(dir, { recursive: true, force: true });
            }
            return;
          }
          const value = await core.invoke('commission.report', range);
          const { commissionReportText } = await import('../commissions/report');
          const text =
            opts.format === 'json'
              ? `${JSON.stringify(value, null, 2)}\n`
              : commissionReportText(value);
          if (opts.out) {
            const { writeOutputText } = await import('../exports/output');
            await writeOutputText(opts.out, text, { store: [storeFile], field: '--out' });
            io.out(`Wrote the commissions report to ${resolve(opts.out)}\n`);
          } else {
            io.out(text);
          }
        });
      },
    );

  program
    .command('export')
    .description('Export orders, customers, products or stock movements to a .csv or .xlsx file.')
    .addArgument(new Argument('<kind>', 'what to export').choices(EXPORT_KINDS))
    .argument('<file>', 'the .csv or .xlsx file to write')
    .option('--from <day>', 'first day, YYYY-MM-DD', dayArg)
    .option('--to <day>', 'last day, YYYY-MM-DD', dayArg)
    .option('--unmasked', 'phones and addresses in full (the export is logged)')
    .action(
      async (
        kind: (typeof EXPORT_KINDS)[number],
        file: string,
        opts: { from?: string; to?: string; unmasked?: boolean },
        cmd: Command,
      ) => {
        await withCore(cmd, false, async (core) => {
          const r = await core.invoke(
            'export.run',
            {
              kind,
              file: resolve(file),
              ...(opts.from !== undefined && { from: opts.from }),
              ...(opts.to !== undefined && { to: opts.to }),
              unmasked: opts.unmasked === true,
            },
            { onProgress },
          );
          progress.done();
          io.out(
            `Wrote ${r.rows} rows of ${r.kind} to ${r.file}${r.masked ? ' (phones and addresses masked)' : ''}\n`,
          );
        });
      },
    );

  program
    .command('call')
    .description(
      "Call any API method with a JSON input and print its JSON value ('call --list' lists them).",
    )
    .argument('[method]', 'method name, e.g. workspace.get')
    .argument('[json]', 'the input as JSON, e.g. \'{"from":"2026-03-01"}\'', '{}')
    .option('--list', 'list the methods with their summary')
    .action(
      async (name: string | undefined, json: string, opts: { list?: boolean }, cmd: Command) => {
        if (opts.list) {
          const { methods } = await import('../api/contract');
          const entries = Object.entries(methods as Record<string, AnyMethod>).sort(([a], [b]) =>
            a.localeCompare(b),
          );
          const width = Math.max(...entries.map(([n]) => n.length));
          io.out(entries.map(([n, m]) => `${n.padEnd(width)}  ${m.summary}\n`).join(''));
          return;
        }
        if (!name)
          throw new UsageError(
            'Name a method (e.g. qundesk call workspace.get), or list them with: qundesk call --list',
          );
        let input: unknown;
        try {
          input = JSON.parse(json);
        } catch (err) {
          throw new UsageError(
            `The input is not valid JSON (${err instanceof Error ? err.message : String(err)}). Quote it, e.g. '{"from":"2026-03-01"}'`,
          );
        }
        await withCore(cmd, false, async (core) => {
          const r = await core.call(name, input, { onProgress });
          if (!r.ok) throw new AppError(r.error.code, r.error.message, r.error.details);
          progress.done();
          io.out(`${JSON.stringify(r.value ?? null, null, 2)}\n`);
        });
      },
    );

  return program;
}

/** Demo data refused on a signed-in store: how to try it in a store of its own instead. */
function demoRefused(err: unknown): unknown {
  if (!(err instanceof AppError) || err.details?.reason !== 'demo-signed-in') return err;
  return new AppError(
    err.code,
    `${err.message}\nFor example: qundesk --store demo.sqlite init && qundesk --store demo.sqlite demo`,
    err.details,
  );
}

/**
 * A refusal on a store signed in as an agent says why: the command line acts as that agent,
 * as the app does on this device, and not as the owner.
 */
function refusedToAgent(err: unknown, email: string): unknown {
  if (!(err instanceof AppError) || err.code !== 'FORBIDDEN') return err;
  const who = email === '' ? 'an agent' : `the agent ${email}`;
  return new AppError(
    err.code,
    `${err.message}\nThis store is signed in to a sync server as ${who}: qundesk acts as that agent, as the app does on this device.`,
    err.details,
  );
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('use a whole number, e.g. 200');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('number too large');
  return n;
}

function dayArg(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value))
    throw new InvalidArgumentError('use YYYY-MM-DD, e.g. 2026-03-01');
  return value;
}

/** "--map order_no=单号,sku=货号" (repeatable): field=Column pairs; the first '=' splits. */
function collectMappings(value: string, previous: Record<string, string>): Record<string, string> {
  const next = { ...previous };
  for (const pair of value.split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.indexOf('=');
    if (at <= 0)
      throw new InvalidArgumentError(`"${pair}" is not field=Column (e.g. order_no=订单编号)`);
    next[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return next;
}

/** A method's value as "key: value" lines (numbers and short text; nested values as JSON). */
function summaryLines(value: unknown): string {
  if (value === null || typeof value !== 'object') return `  ${JSON.stringify(value)}\n`;
  return Object.entries(value)
    .map(
      ([k, v]) =>
        `  ${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}\n`,
    )
    .join('');
}
