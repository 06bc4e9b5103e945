// The console's one Mantine theme. Colours follow the system scheme (set on the provider); only the
// brand colour and the focus ring are ours.
import { createTheme, darken, Notification, type CSSVariablesResolver } from "@mantine/core";
import inputClasses from "./inputs.module.css";

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
  components: {
    // A titled notice writes its sentence in gray-6 (3.3:1 on white); "dimmed" (below) passes AA.
    Notification: Notification.extend({ styles: { description: { color: "var(--mantine-color-dimmed)" } } }),
    // Placeholders never look like values, even in a field in error (inputs.module.css). A plain
    // object, not Input.extend: importing Input here would move it into the entry chunk (+2.8 kB gzip).
    Input: { classNames: { wrapper: inputClasses.wrapper } },
    // A dialog's title bar as a <div>: Mantine draws it as <header>, which axe counts as a second
    // page banner beside the app's header (landmark-no-duplicate-banner, landmark-unique), since the
    // dialog's <section role="dialog"> is no sectioning element to scope it. The dialog is named by
    // its title (aria-labelledby) either way. A plain object for the same reason as Input.
    ModalHeader: { defaultProps: { component: "div" } },
  },
});

/**
 * Mantine's light "dimmed" text is gray-6 (#868e96, 3.3:1 on white), below WCAG AA for the small
 * text it is used for; gray-7 reads as secondary and passes. Field errors (red-6) likewise move to red-9.
 * The light variant (an Alert's title, a light Badge or Button) writes shade 9 on shade 1: green-9
 * on green-1 is 3.8:1 and yellow-9 on yellow-1 about 2.5:1, so those two are darkened to pass 4.5:1
 * (blue and gray already do). Red passes at rest, but a hovered light red button (Delete) draws on
 * red-2: 3.75:1 (axe, issue 20's alerts page), so red is darkened too (5.2:1 on red-2).
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    "--mantine-color-dimmed": "var(--mantine-color-gray-7)",
    "--mantine-color-error": "var(--mantine-color-red-9)",
    "--mantine-color-green-light-color": darken(t.colors.green[9]!, 0.2),
    "--mantine-color-yellow-light-color": darken(t.colors.yellow[9]!, 0.35),
    "--mantine-color-red-light-color": darken(t.colors.red[9]!, 0.2),
  },
  dark: {},
});
