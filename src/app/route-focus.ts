import { useEffect, useRef } from "react";
import { useLocation } from "react-router";

/**
 * After a client-side navigation, start the new page at its top and move focus to its heading
 * (the first h1 in main), so a screen reader announces where the user landed and Tab continues
 * from there. Pages render their h1 with tabIndex -1; a lazily loaded page may show its heading a
 * moment later, so this waits for it (bounded) rather than focusing <body>.
 */
export function useRouteFocus(main: React.RefObject<HTMLElement | null>) {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    window.scrollTo({ top: 0 });
    // The first page load keeps the browser's own focus (the document); moving it would skip the skip link.
    if (first.current) {
      first.current = false;
      return;
    }
    let frames = 0;
    let handle = 0;
    const focusHeading = () => {
      const heading = main.current?.querySelector<HTMLElement>("h1");
      if (heading) {
        if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
        heading.focus({ preventScroll: true });
        return;
      }
      // Up to about two seconds of frames while a route chunk loads.
      if (++frames < 120) handle = requestAnimationFrame(focusHeading);
    };
    handle = requestAnimationFrame(focusHeading);
    return () => cancelAnimationFrame(handle);
  }, [pathname, main]);
}
