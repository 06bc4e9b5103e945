// One request per button at a time. Mantine's `loading` disables a button only once React has
// rendered the pending state, and TanStack Query reports `isPending` on a later tick: the second
// click of a double click lands before either, and used to send a second start or backfill (issue
// 17, item 5). `run` refuses synchronously while its work runs; `busy` drives `loading`.
import { useCallback, useRef, useState } from "react";

export function useInFlight(): { busy: boolean; run: (work: () => Promise<unknown>) => Promise<void> } {
  const flying = useRef(false);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (work: () => Promise<unknown>) => {
    if (flying.current) return;
    flying.current = true;
    setBusy(true);
    try {
      await work();
    } finally {
      flying.current = false;
      setBusy(false);
    }
  }, []);
  return { busy, run };
}
