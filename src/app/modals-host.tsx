// Mantine's modals provider, loaded as a chunk of its own after the first render (see
// src/lib/modals-mounted.ts for why). It wraps no children, so modals are opened only through
// `modals.*` from @mantine/modals (window events), never `useModals()` (no context around the app).
import { ModalsProvider } from "@mantine/modals";
import { useEffect } from "react";
import { markModalsMounted } from "../lib/modals-mounted.ts";

export default function ModalsHost() {
  // The provider is a child, so its event listeners (effects) are in place before this effect runs.
  useEffect(() => markModalsMounted(), []);
  return <ModalsProvider />;
}
