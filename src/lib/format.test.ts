// The console's one byte formatter: decimal units as the platform names them, one decimal.
import { describe, expect, it } from "vitest";
import { countOf, formatBytes } from "./format.ts";

// The test runs in Node's default locale; the expectations below are English, so say so if it is not.
const english = new Intl.NumberFormat().resolvedOptions().locale.startsWith("en");

describe.runIf(english)("formatBytes", () => {
  it("counts bytes in words below a kilobyte", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(56)).toBe("56 bytes");
    expect(formatBytes(999)).toBe("999 bytes");
  });

  it("uses kB, MB, GB (1 kB = 1000 bytes) with at most one decimal", () => {
    expect(formatBytes(1000)).toBe("1 kB");
    expect(formatBytes(1536)).toBe("1.5 kB");
    expect(formatBytes(1_600_000)).toBe("1.6 MB");
    expect(formatBytes(3_200_000_000)).toBe("3.2 GB");
  });

  it("moves to the next unit when rounding reaches 1000", () => {
    expect(formatBytes(999_960)).toBe("1 MB");
    expect(formatBytes(999_940)).toBe("999.9 kB");
  });
});

describe("countOf", () => {
  it("puts the noun in the form its count takes", () => {
    expect(countOf(1, "object")).toBe("1 object");
    expect(countOf(0, "object")).toBe("0 objects");
    expect(countOf(1204, "object")).toBe("1,204 objects");
    expect(countOf(2, "batch", "batches")).toBe("2 batches");
  });
});
