import { describe, expect, it } from "vitest";
import { objectsInScope } from "./backfill.ts";

const at = (iso: string) => new Date(iso);

describe("objectsInScope", () => {
  const contents = [
    { Key: "in/a.csv", ETag: '"e1"', Size: 10, LastModified: at("2024-05-02T00:00:00Z") },
    { Key: "in/old.csv", ETag: '"e2"', Size: 10, LastModified: at("2024-04-01T00:00:00Z") },
    { Key: "in/b.txt", ETag: '"e3"', Size: 10, LastModified: at("2024-05-02T00:00:00Z") },
    { Key: "in/folder/", ETag: '"e4"', Size: 0, LastModified: at("2024-05-02T00:00:00Z") },
    { Key: "in//c.csv", ETag: '"e5"', Size: 10, LastModified: at("2024-05-02T00:00:00Z") },
  ];

  it("keeps keys with the suffix, modified since, ETag unquoted; folder markers are not objects", () => {
    const { inScope } = objectsInScope(contents, { prefix: "in/", suffix: ".csv", since: "2024-05-01T00:00:00.000Z" });
    expect(inScope.map((o) => [o.key, o.etag, o.problem === null])).toEqual([
      ["in/a.csv", "e1", true],
      ["in//c.csv", "e5", false], // counted, never loaded: Databend would read in/c.csv
    ]);
  });

  it("without since, every object in scope", () => {
    expect(objectsInScope(contents, { prefix: "in/", suffix: ".csv", since: null }).inScope.map((o) => o.key)).toEqual(["in/a.csv", "in/old.csv", "in//c.csv"]);
  });
});
