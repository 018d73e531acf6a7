// Where the CLI writes: the value on stdout, everything else (progress, warnings, errors) on
// stderr, so `qundesk report pnl --format json > pnl.json` holds only the report.
import type { Progress } from '../api/context';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: progress redraws one line instead of printing many. */
  isTTY: boolean;
  env: Record<string, string | undefined>;
}

export const processIo = (): CliIo => ({
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTTY: process.stderr.isTTY === true,
  env: process.env,
});

/**
 * Progress of long work on stderr: on a terminal one line redrawn as the percentage moves; in
 * a log or pipe a line at every 10% (per label), so CI logs stay short.
 */
export function progressPrinter(io: CliIo) {
  let shown: { label: string; step: number } | null = null;
  let dirty = false;
  const update = (p: Progress) => {
    const pct = p.total === 0 ? 100 : Math.min(100, Math.floor((p.done * 100) / p.total));
    const step = io.isTTY ? pct : Math.floor(pct / 10) * 10;
    if (shown && shown.label === p.label && shown.step === step) return;
    shown = { label: p.label, step };
    const text = `${p.label}: ${pct}% (${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')})`;
    if (io.isTTY) {
      io.err(`\r\x1b[K${text}`);
      dirty = true;
    } else {
      io.err(`${text}\n`);
    }
  };
  /** Ends the redrawn line so what follows starts on a fresh one. */
  const done = () => {
    if (dirty) io.err('\r\x1b[K');
    dirty = false;
    shown = null;
  };
  return { update, done };
}
