// The two sizes of issue 9's real-browser review: a laptop and a phone. Each test runs its flow in
// one browser context per size (contexts are cheap; the servers behind them are shared).
export interface Viewport {
  /** Used in screenshot names (`<page>-desktop.png`) and to keep each size's records apart. */
  name: "desktop" | "phone";
  width: number;
  height: number;
}

export const DESKTOP: Viewport = { name: "desktop", width: 1440, height: 900 };
export const PHONE: Viewport = { name: "phone", width: 390, height: 844 };
export const VIEWPORTS: readonly Viewport[] = [DESKTOP, PHONE];
