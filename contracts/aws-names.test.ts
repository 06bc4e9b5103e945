import { describe, expect, it } from "vitest";
import { isFolderMarker, keyInScope, scopeMiss } from "./aws-names.ts";

describe("the one scope rule", () => {
  it("matches a key as S3 notification filters do: prefix first, then suffix; empty means any", () => {
    const scope = { prefix: "in/", suffix: ".csv" };
    expect(scopeMiss("in/a.csv", scope)).toBeNull();
    expect(scopeMiss("out/a.csv", scope)).toBe("prefix");
    expect(scopeMiss("in/a.json", scope)).toBe("suffix");
    expect(keyInScope("anything", { prefix: "", suffix: "" })).toBe(true);
    // Case matters, as in S3's filter rules.
    expect(keyInScope("IN/a.csv", scope)).toBe(false);
  });
  it("a folder marker is a zero-byte key ending in '/', whatever the caller knows of its size", () => {
    expect(isFolderMarker("in/", 0)).toBe(true);
    expect(isFolderMarker("in/", undefined)).toBe(true);
    expect(isFolderMarker("in/", 5)).toBe(false);
    expect(isFolderMarker("in/a.csv", 0)).toBe(false);
  });
});
