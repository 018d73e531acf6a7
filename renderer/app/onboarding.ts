// First launch: the welcome page stays up from "start" until its own work is done (a demo
// business is generated after the business is started, and the app must not switch to the
// dashboard half-way).
import { useSyncExternalStore } from 'react';

let active = false;
const listeners = new Set<() => void>();

export function setOnboarding(value: boolean) {
  if (active === value) return;
  active = value;
  for (const l of listeners) l();
}

export function useOnboarding(): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => active,
  );
}
