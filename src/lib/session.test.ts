// `next` after signing in: only a path on this site, judged after normalization (dot segments and
// percent-encoded dots resolved), so nothing that normalizes to `//host` sends a person elsewhere.
import { describe, expect, it } from "vitest";
import { HOME, safeNext } from "./session.ts";

describe("safeNext", () => {
  it.each([
    "/.//evil.example",
    "/..//evil.example",
    "/..//evil.example/x?y=1#z",
    "/%2e%2e//evil.example",
    "/%2E%2E//evil.example",
    "/%2e//evil.example",
    "/a/..//evil.example",
    "/a/b/../..//evil.example",
    "/././/evil.example",
    "//evil.example",
    "/\\evil.example",
    "/.\\/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/sign-in",
    "/a/../sign-in",
    "",
    null,
    undefined,
  ])("sends %j home", (raw) => {
    expect(safeNext(raw)).toBe(HOME);
  });

  it.each([
    ["/data/integration", "/data/integration"],
    ["/data/sources/new?x=1#y", "/data/sources/new?x=1#y"],
    ["/data/./sources", "/data/sources"],
    ["/data/tasks/../sources", "/data/sources"],
    ["/%2e%2e/data/sources", "/data/sources"],
    ["/data/%2F%2Fevil.example", "/data/%2F%2Fevil.example"],
  ])("keeps %j on this site as %j", (raw, expected) => {
    expect(safeNext(raw)).toBe(expected);
  });
});
