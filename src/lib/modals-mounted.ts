// Mantine opens modals (`modals.openConfirmModal` from @mantine/modals) by window events that its
// ModalsProvider listens to. The console mounts that provider lazily (src/app/modals-host.tsx: its
// Modal pulls in ScrollArea and with it @floating-ui/react, which the first page does not need), so
// an opener waits for `modalsMounted`: an event sent before the provider listens would be lost.
let resolveMounted: () => void = () => undefined;

/** Resolves once the modals provider has mounted (and stays resolved). */
export const modalsMounted = new Promise<void>((resolve) => {
  resolveMounted = resolve;
});

export function markModalsMounted() {
  resolveMounted();
}
