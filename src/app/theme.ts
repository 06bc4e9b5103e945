// The console's one Mantine theme. Colours follow the system scheme (set on the provider); only the
// brand colour and the focus ring are ours.
import { createTheme, type CSSVariablesResolver } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "blue",
  // Mantine's default shade (blue-6) gives links and filled buttons 3.5:1 on white; shade 8 passes
  // WCAG AA (4.5:1) for text. Dark mode keeps a lighter shade to stay readable on dark grey.
  primaryShade: { light: 8, dark: 4 },
  // Keyboard users always see where they are; mouse clicks do not draw rings.
  focusRing: "auto",
  defaultRadius: "sm",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  fontFamilyMonospace: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
});

/**
 * Mantine's light "dimmed" text is gray-6 (#868e96, 3.3:1 on white), below WCAG AA for the small
 * text it is used for; gray-7 reads as secondary and passes. Field errors (red-6) likewise move to red-9.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { "--mantine-color-dimmed": "var(--mantine-color-gray-7)", "--mantine-color-error": "var(--mantine-color-red-9)" },
  dark: {},
});
