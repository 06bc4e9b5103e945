import { describe, expect, it } from "vitest";
import { formatCharacter, formatOptions } from "./task-format.tsx";

describe("formatCharacter: a format option's character as a person reads it", () => {
  it("shows a printable character with its name, never JSON", () => {
    expect(formatCharacter('"')).toBe('" (double quote)');
    expect(formatCharacter("'")).toBe("' (single quote)");
    expect(formatCharacter("`")).toBe("` (backtick)");
    expect(formatCharacter(",")).toBe(", (comma)");
    expect(formatCharacter("\\")).toBe("\\ (backslash)");
    expect(formatCharacter("§")).toBe("§");
  });

  it("says an invisible one in words", () => {
    expect(formatCharacter("\t")).toBe("tab");
    expect(formatCharacter(" ")).toBe("space");
    expect(formatCharacter("\u0001")).toBe("U+0001");
    expect(formatCharacter("a\tb")).toBe("a tab b");
    expect(formatCharacter("")).toBe("none");
  });

  it("is what the CSV options show", () => {
    const options = formatOptions({ type: "csv", header: true, delimiter: "\t", quote: '"', compression: "auto" });
    expect(options).toContainEqual({ label: "Delimiter", value: "tab" });
    expect(options).toContainEqual({ label: "Quote", value: '" (double quote)' });
  });
});
