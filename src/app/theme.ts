// The console's one Mantine theme. Colours follow the system scheme (set on the provider); only the
// brand colour and the focus ring are ours.
import { createTheme } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "blue",
  // Keyboard users always see where they are; mouse clicks do not draw rings.
  focusRing: "auto",
  defaultRadius: "sm",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  fontFamilyMonospace: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
});
