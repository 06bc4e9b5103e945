import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { notifications } from "@mantine/notifications";
import { afterEach } from "vitest";

// jsdom lacks the layout APIs Mantine's components observe (Mantine's own test setup adds the same).
const { getComputedStyle } = window;
window.getComputedStyle = (element: Element) => getComputedStyle(element);
Element.prototype.scrollIntoView = () => undefined;
window.scrollTo = () => undefined;
window.scrollBy = () => undefined;
Object.defineProperty(window, "matchMedia", {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  }),
});
class ResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
window.ResizeObserver = ResizeObserver;

afterEach(() => {
  cleanup();
  // Notices live in a module-level store; one test's notice must not satisfy the next test's query.
  notifications.clean();
  notifications.cleanQueue();
  // Forms keep drafts in the tab (src/lib/browser-draft.ts): one test's draft must not fill the next test's form.
  window.sessionStorage.clear();
});
