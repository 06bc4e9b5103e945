// Bringing something the operator must see into view, whole, below the console's fixed header.
// Focusing an input scrolls only the input box itself to the window's edge, which on this page is
// under the fixed header: the label, the help and the error stayed hidden (issue 17, item 6). So the
// page is scrolled here, by the box of every part given, and focus then moves without scrolling.

/** Space kept between the header (or the window's bottom) and what is revealed, in px. */
const GAP = 12;

/** The bottom edge of the fixed page header (0 on pages without one). */
function headerBottom(): number {
  const header = document.querySelector("header");
  if (!header) return 0;
  const { position } = getComputedStyle(header);
  return position === "fixed" || position === "sticky" ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
}

/**
 * Scrolls the window the least that shows all of `parts` between the header and the window's
 * bottom; when they are taller than that, their top goes just below the header.
 */
export function revealBelowHeader(parts: readonly (Element | null | undefined)[]): void {
  const rects = parts.filter((el): el is Element => !!el).map((el) => el.getBoundingClientRect());
  if (rects.length === 0) return;
  const top = Math.min(...rects.map((r) => r.top));
  const bottom = Math.max(...rects.map((r) => r.bottom));
  const bandTop = headerBottom() + GAP;
  const bandBottom = window.innerHeight - GAP;
  let by = 0;
  if (top < bandTop) by = top - bandTop;
  else if (bottom > bandBottom) by = Math.min(bottom - bandBottom, top - bandTop);
  if (by !== 0) window.scrollBy({ top: by, behavior: "instant" });
}

/** An input with its label, help and error (what aria-describedby names): the field as a person sees it. */
export function fieldParts(input: HTMLElement): Element[] {
  const labels = "labels" in input && input.labels ? Array.from(input.labels as NodeListOf<HTMLLabelElement>) : [];
  const described = (input.getAttribute("aria-describedby") ?? "")
    .split(/\s+/)
    .filter(Boolean)
    .map((id) => document.getElementById(id))
    .filter((el): el is HTMLElement => !!el);
  return [input, ...labels, ...described];
}

/** Reveals a form field whole below the header, then focuses it without the browser's own scroll. */
export function revealField(input: HTMLElement | null | undefined): void {
  if (!input) return;
  revealBelowHeader(fieldParts(input));
  input.focus({ preventScroll: true });
}
