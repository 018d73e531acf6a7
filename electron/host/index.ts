// Entry of the core host utility process (utilityProcess.fork from main). It owns the store;
// main tells it which file to open and hands it one MessagePort per window.
import { HostService, type ParentPortLike } from './service';

// Present in a utility process only; typed loosely so this file needs no electron import.
const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (!parentPort) {
  console.error('The core host must run in an Electron utility process.');
  process.exit(1);
} else {
  new HostService(parentPort);
}
