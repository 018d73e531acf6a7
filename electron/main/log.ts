// Main-process log: one line per entry to stderr and userData/logs/main.log. Logging must
// never fail the app, so write errors are swallowed.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(file: string | null): Logger {
  if (file) {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch {
      file = null;
    }
  }
  const write = (level: string, message: string) => {
    const line = `${new Date().toISOString()} ${level} ${message}`;
    console.error(line);
    if (!file) return;
    try {
      appendFileSync(file, `${line}\n`);
    } catch {
      // a full disk must not take the app down with it
    }
  };
  return {
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
  };
}
