// One value of a table's rows: NULL drawn unlike any string (so a NULL and the text "NULL" differ),
// and a long value cut to its first characters with a button that shows it whole in place.
import { Anchor, Text } from "@mantine/core";
import { useState } from "react";

/** Characters a value shows before it is cut (the API already cuts each value at 1,000). */
export const SHOWN_CHARACTERS = 120;

export function RowValue({ value, where }: { value: string | null; where: string }) {
  const [whole, setWhole] = useState(false);
  if (value === null) {
    return (
      <Text span size="xs" c="dimmed" fs="italic" ff="monospace" aria-label="NULL (no value)">
        NULL
      </Text>
    );
  }
  const long = [...value].length > SHOWN_CHARACTERS;
  if (!long) {
    return (
      <Text span size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
        {value}
      </Text>
    );
  }
  return (
    <Text span size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
      {whole ? value : `${[...value].slice(0, SHOWN_CHARACTERS).join("")}…`}{" "}
      <Anchor
        component="button"
        type="button"
        size="xs"
        onClick={() => setWhole(!whole)}
        aria-expanded={whole}
        aria-label={`${whole ? "Show less of" : "Show all of"} ${where} (${[...value].length} characters)`}
      >
        {whole ? "Show less" : "Show all"}
      </Anchor>
    </Text>
  );
}
