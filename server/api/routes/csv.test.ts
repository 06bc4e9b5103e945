import { describe, expect, it } from "vitest";
import { csvCell, csvRows } from "./csv.ts";

describe("csvCell", () => {
  it("leaves plain text alone and writes null as empty", () => {
    expect(csvCell("orders")).toBe("orders");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
  });

  it("quotes quotes, commas and line breaks, doubling inner quotes", () => {
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("line1\nline2")).toBe('"line1\nline2"');
    expect(csvCell("line1\r\nline2")).toBe('"line1\r\nline2"');
    expect(csvCell(" padded ")).toBe('" padded "');
  });

  it("defuses formula starts =, +, -, @, tab and carriage return (OWASP CSV injection)", () => {
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+SUM(A1)")).toBe("'+SUM(A1)");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@cmd")).toBe("'@cmd");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell('=HYPERLINK("http://x","a,b")')).toBe('"\'=HYPERLINK(""http://x"",""a,b"")"');
  });
});

describe("csvRows", () => {
  it("ends every row with CRLF and keeps a quoted line break inside its cell", () => {
    expect(csvRows([["a", "b"], ["x\ny", null]])).toBe('a,b\r\n"x\ny",\r\n');
  });
});
