// What draws over the pages: Mantine's notices and its modals provider, a chunk of their own that
// is loaded only when the first notice or modal is to be shown (src/lib/overlays.ts says how
// nothing is lost meanwhile). The notices bring react-transition-group and Mantine's scroll lock;
// the modals bring Modal and its focus trap. The provider wraps no children: open modals only
// through `modals.*` from @mantine/modals, never `useModals()` (there is no context around the app).
import { ModalsProvider } from "@mantine/modals";
import { Notifications } from "@mantine/notifications";
import { useEffect } from "react";
import { markModalsMounted } from "../lib/overlays.ts";

export default function Overlays() {
  // The provider is a child, so its event listeners (effects) are in place before this effect runs.
  useEffect(() => markModalsMounted(), []);
  return (
    <>
      {/* At the bottom, a notice never covers a dialog's title or the page's actions. */}
      <Notifications position="bottom-right" limit={4} />
      <ModalsProvider />
    </>
  );
}
