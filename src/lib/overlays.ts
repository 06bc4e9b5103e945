// Mantine's notices and modals provider (src/app/overlays.tsx, ~16 kB gzip with what they bring)
// are mounted only once something is to be shown, so a page that shows neither (such as the first
// one) never downloads them:
// - a notice: notifications.show (src/lib/notify.ts) puts it in Mantine's module-level store, which
//   is watched here; <Notifications> draws it from the store when it has mounted;
// - a modal: Mantine opens one by a window event its ModalsProvider listens to, and an event sent
//   before it listens is lost, so an opener awaits `whenModalsReady()` first.
import { notificationsStore } from "@mantine/notifications";

let wanted = false;
const listeners = new Set<() => void>();
let resolveModalsMounted: () => void = () => undefined;
const modalsMounted = new Promise<void>((resolve) => {
  resolveModalsMounted = resolve;
});

function want() {
  if (wanted) return;
  wanted = true;
  for (const listener of listeners) listener();
}

notificationsStore.subscribe((state) => {
  if (state.notifications.length > 0 || state.queue.length > 0) want();
});

/** For the app's providers (useSyncExternalStore): whether to mount the overlays; once true, stays true. */
export const overlaysWanted = {
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
  get: () => wanted,
};

/** Called by the overlays once the modals provider listens. */
export function markModalsMounted() {
  resolveModalsMounted();
}

/** Mounts the overlays if they are not yet; resolves once a modal can be opened. */
export function whenModalsReady(): Promise<void> {
  want();
  return modalsMounted;
}
