// Mantine's Tooltip as a module of its own, for DisabledButton's lazy import.
export { Tooltip as default } from "@mantine/core";
