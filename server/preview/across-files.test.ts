// Joining files read by Databend into one sample: which files, columns by position or by name,
// widened types, the disagreements, and the first file's rows in the joined order.
import { describe, expect, it } from "vitest";
import type { FileSample } from "../databend/preview.ts";
import { joinFiles, typingCandidates } from "./across-files.ts";

const file = (key: string, columns: [string, string | null][], rows: (string | number | null)[][], over: Partial<FileSample> = {}): FileSample => ({
  key,
  columns: columns.map(([name, type]) => ({ name, type, nullable: true })),
  rows,
  cut: false,
  inferred_by: "sample",
  match_by: "position",
  warnings: [],
  ...over,
});

describe("typingCandidates", () => {
  const keys = (...names: string[]) => names.map((key) => ({ key }));
  it("the sample's next newest and the oldest others, at most 5 in all with the sample", () => {
    const listed = keys("f9.csv", "f8.csv", "f7.csv", "f6.csv", "f5.csv", "f4.csv", "f3.csv");
    expect(typingCandidates(listed, "f9.csv").map((o) => o.key)).toEqual(["f8.csv", "f7.csv", "f4.csv", "f3.csv"]);
    expect(typingCandidates(listed, "f6.csv").map((o) => o.key)).toEqual(["f9.csv", "f8.csv", "f4.csv", "f3.csv"]);
    expect(typingCandidates(keys("a.csv", "b.csv"), "a.csv").map((o) => o.key)).toEqual(["b.csv"]);
    expect(typingCandidates(listed, "f9.csv", 1)).toEqual([]);
  });

  it("keeps to the sample's extension: a scope that mixes formats does not type a CSV from a Parquet file", () => {
    const listed = keys("x/a.csv.gz", "x/b.parquet", "x/c.csv", "x/d.csv.gz", "x/noext");
    expect(typingCandidates(listed, "x/a.csv.gz").map((o) => o.key)).toEqual(["x/d.csv.gz"]);
    expect(typingCandidates(listed, "x/noext")).toEqual([]);
  });
});

describe("joinFiles", () => {
  it("CSV by position: amount BIGINT in the newest and DOUBLE in two older files → DOUBLE, marked as a disagreement", () => {
    const joined = joinFiles(
      [
        file("new.csv", [["id", "BIGINT"], ["amount", "BIGINT"], ["note", null]], [["1", "1", null]]),
        file("mid.csv", [["id", "BIGINT"], ["amount", "DOUBLE"], ["note", "VARCHAR"]], [["2", "10.5", "x"], ["3", "2", null]]),
        file("old.csv", [["id", "BIGINT"], ["amount", "DOUBLE"], ["note", null]], [["4", "0.25", null]]),
      ],
      [{ key: "huge.csv", reason: "too large" }],
      "csv",
    );
    expect(joined.columns).toEqual([
      { name: "id", type: "BIGINT", nullable: true },
      { name: "amount", type: "DOUBLE", nullable: true },
      { name: "note", type: "VARCHAR", nullable: true },
    ]);
    expect(joined.disagreements).toEqual([
      {
        column: "amount",
        type: "DOUBLE",
        types: [
          { type: "BIGINT", keys: ["new.csv"] },
          { type: "DOUBLE", keys: ["mid.csv", "old.csv"] },
        ],
      },
    ]);
    expect(joined.typed_from).toEqual([
      { key: "new.csv", rows: 1 },
      { key: "mid.csv", rows: 2 },
      { key: "old.csv", rows: 1 },
    ]);
    expect(joined.typing_left_out).toEqual([{ key: "huge.csv", reason: "too large" }]);
    expect(joined.key).toBe("new.csv");
    expect(joined.rows).toEqual([["1", "1", null]]);
    expect(joined.warnings).toEqual([]);
  });

  it("a column with only NULLs everywhere stays VARCHAR and nullable; only NULLs in one file is no disagreement", () => {
    const joined = joinFiles([file("a.csv", [["x", null], ["y", null]], []), file("b.csv", [["x", "BIGINT"], ["y", null]], [])], [], "csv");
    expect(joined.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ["x", "BIGINT", true],
      ["y", "VARCHAR", true],
    ]);
    expect(joined.disagreements).toEqual([]);
  });

  it("CSV files of different widths: the widest, and a warning naming the counts", () => {
    const joined = joinFiles([file("a.csv", [["x", "BIGINT"]], [["1"]]), file("b.csv", [["x", "BIGINT"], ["y", "VARCHAR"]], [])], [], "csv");
    expect(joined.columns.map((c) => c.name)).toEqual(["x", "y"]);
    expect(joined.rows).toEqual([["1", null]]);
    expect(joined.warnings).toEqual([expect.stringMatching(/^The files read have different numbers of columns \(1 column in a\.csv; 2 columns in b\.csv\)/)]);
  });

  it("NDJSON by name: keys in first-seen order, the sample's rows placed by name, a key some files lack is warned about", () => {
    const ndjson = { match_by: "name" as const };
    const joined = joinFiles(
      [
        file("a.ndjson", [["id", "BIGINT"], ["v", "BIGINT"]], [[1, 5]], ndjson),
        file("b.ndjson", [["v", "VARCHAR"], ["id", "BIGINT"], ["extra", "VARIANT"]], [["s", 2, null]], ndjson),
      ],
      [],
      "ndjson",
    );
    expect(joined.columns.map((c) => [c.name, c.type])).toEqual([
      ["id", "BIGINT"],
      ["v", "VARCHAR"],
      ["extra", "VARIANT"],
    ]);
    expect(joined.rows).toEqual([[1, 5, null]]);
    expect(joined.disagreements.map((d) => d.column)).toEqual(["v"]);
    expect(joined.warnings).toEqual([expect.stringMatching(/^Key "extra" is in some files read but not in a\.ndjson: a COPY into a table with an? extra column refuses/)]);
  });

  it("Parquet: nullable when any file's column is, or a file lacks it; differing types are warned about", () => {
    const parquet = { match_by: "name" as const, inferred_by: "databend" as const };
    const strict = (key: string, cols: [string, string][]) => ({ ...file(key, cols, [], parquet), columns: cols.map(([name, type]) => ({ name, type, nullable: false })) });
    const joined = joinFiles([strict("a.parquet", [["id", "INT"], ["p", "FLOAT"]]), strict("b.parquet", [["id", "BIGINT"]])], [], "parquet");
    expect(joined.columns).toEqual([
      { name: "id", type: "BIGINT", nullable: false },
      { name: "p", type: "FLOAT", nullable: true },
    ]);
    // INT against BIGINT: one COPY of both is refused, and the preview says so.
    expect(joined.warnings).toEqual([expect.stringMatching(/^The files read disagree on the Parquet type of id: Databend refuses one COPY/)]);
  });
});
