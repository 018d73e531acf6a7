// Entry point of `qundesk` (bin/qundesk.mjs loads it through tsx).
import { runCli } from './program';
import { processIo } from './io';

process.exitCode = await runCli(process.argv.slice(2), processIo());
