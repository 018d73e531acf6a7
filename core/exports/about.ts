// The app version every export states, read once from package.json (the one place it is kept).
import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    // A bundled build may not ship package.json beside the code: say so rather than fail.
    return 'unknown';
  }
}

export const APP_VERSION = readVersion();
