// What Mantine's ScrollArea imports from @floating-ui/react, and nothing else: `useMergeRefs`.
// vite.config.ts resolves that one import here, so a page with a Mantine Table (whose ScrollContainer
// brings ScrollArea) no longer loads all of floating-ui (positioning, menus, focus handling: about
// 15 kB gzip) for one hook. Popovers, menus and tooltips still import the real @floating-ui/react.
// Same contract as floating-ui's hook (an array of refs, React 19 ref cleanups honoured), built on
// Mantine's own useMergedRef, which the console's first chunk already holds.
import { useMergedRef } from "@mantine/hooks";
import type { Ref } from "react";

export function useMergeRefs<T>(refs: Array<Ref<T> | undefined>): (node: T | null) => void | (() => void) {
  return useMergedRef<T>(...refs);
}
