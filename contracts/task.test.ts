// The task contract's rules that mirror Databend's own checks. Each refusal below was confirmed on
// Databend's engine (PyPI `databend` 1.2.453): the value is refused there too, so a task that
// passed the contract with it would fail every COPY.
import { makeTask } from "../tests/support/fixtures.ts";
import { describe, expect, it } from "vitest";
import {
  CSV_FIELD_DELIMITER_MAX_BYTES,
  TASK_MESSAGES,
  csvDelimiterProblem,
  fileFormatSchema,
  taskInputSchema,
  taskRecordSchema,
} from "./task.ts";

/** The field errors of a parse, keyed by dotted path. */
function fieldErrors(input: unknown): Record<string, string> {
  const result = taskInputSchema.safeParse(input);
  if (result.success) return {};
  const out: Record<string, string> = {};
  for (const issue of result.error.issues) out[issue.path.join(".")] ??= issue.message;
  return out;
}

function task(over: { target?: Record<string, unknown>; file_format?: Record<string, unknown> } = {}) {
  return {
    name: "orders",
    data_source_id: "ds-1",
    file_format: { type: "csv", ...over.file_format },
    target: { database: "sales", table: "orders", ...over.target },
  };
}

describe("target database and table names", () => {
  it("accepts names Databend can quote, keeping case, spaces inside, quotes and non-ASCII", () => {
    for (const name of ["orders", "Orders_2024", "with space", "it's", 'dq"name', "日本語", "a.b", "back\\slash"]) {
      expect(fieldErrors(task({ target: { database: name, table: name } }))).toEqual({});
    }
    const parsed = taskInputSchema.parse(task({ target: { database: "  Sales ", table: " Orders\t" } }));
    expect(parsed.target).toEqual({ database: "Sales", table: "Orders" });
  });

  it("refuses a backtick, naming the field and the fix", () => {
    const errors = fieldErrors(task({ target: { database: "sa`les", table: "or``ders" } }));
    expect(errors["target.database"]).toBe(TASK_MESSAGES.identifierBacktick("database"));
    expect(errors["target.table"]).toBe(TASK_MESSAGES.identifierBacktick("table"));
    expect(errors["target.table"]).toMatch(/^The table name cannot contain a backtick/);
  });

  it("refuses NUL and other control characters inside a name", () => {
    for (const bad of ["a\u0000b", "a\u0001b", "a\tb", "a\nb", "a\rb", "a\u007fb", "a\u0085b", "a\u009fb"]) {
      const errors = fieldErrors(task({ target: { database: bad, table: bad } }));
      expect(errors["target.database"], JSON.stringify(bad)).toBe(TASK_MESSAGES.identifierControl("database"));
      expect(errors["target.table"], JSON.stringify(bad)).toBe(TASK_MESSAGES.identifierControl("table"));
    }
  });

  it("still requires a table and defaults the database", () => {
    expect(fieldErrors(task({ target: { table: "   " } }))["target.table"]).toBe(TASK_MESSAGES.tableRequired);
    const { target } = taskInputSchema.parse({ ...task(), target: { table: "t" } });
    expect(target.database).toBe("default");
  });
});

describe("CSV quote", () => {
  it("accepts exactly the three quotes Databend accepts (check_quote)", () => {
    for (const quote of ['"', "'", "`"]) {
      expect(fieldErrors(task({ file_format: { quote } })), quote).toEqual({});
    }
  });
  it("refuses any other quote on the quote field", () => {
    for (const quote of ["|", "~", "a", "", "''", "“"]) {
      expect(fieldErrors(task({ file_format: { quote } }))["file_format.quote"], quote).toBe(TASK_MESSAGES.quoteChoice);
    }
  });
});

describe("CSV field delimiter", () => {
  it("matches Databend 1.2.453: one byte that is not a letter or digit", () => {
    expect(CSV_FIELD_DELIMITER_MAX_BYTES).toBe(1);
    for (const delimiter of [",", ";", "|", "\t", " ", "_", "#", "\u0001", "\u007f"]) {
      expect(fieldErrors(task({ file_format: { delimiter } })), JSON.stringify(delimiter)).toEqual({});
    }
  });

  it("refuses letters and digits, naming the field", () => {
    for (const delimiter of ["a", "Z", "0", "9"]) {
      expect(fieldErrors(task({ file_format: { delimiter } }))["file_format.delimiter"]).toBe(TASK_MESSAGES.delimiterAlphanumeric);
    }
  });

  it("refuses an empty delimiter and one longer than a byte (UTF-8), as Databend does", () => {
    expect(fieldErrors(task({ file_format: { delimiter: "" } }))["file_format.delimiter"]).toBe(TASK_MESSAGES.delimiterRequired);
    // '||' (2 bytes), '§' (one character, 2 bytes), '→' (3 bytes), U+0080 (2 bytes): Databend 1.2.453
    // answers "BadArguments. Code: 1006, Text = Invalid CSV option value: FIELD_DELIMITER is currently
    // set to '||'. Expecting a single one-byte, non-alphanumeric character."
    for (const delimiter of ["||", "§", "→", "\u0080", "ab"]) {
      expect(fieldErrors(task({ file_format: { delimiter } }))["file_format.delimiter"], delimiter).toBe(
        TASK_MESSAGES.delimiterTooLong(1),
      );
    }
  });

  it("is written for Databend's newer 1..20-byte rule too (only a lone alphanumeric byte refused)", () => {
    // check_field_delimiter_csv (v1.2.874+): 1..20 bytes; a single alphanumeric byte is refused.
    expect(csvDelimiterProblem("||")).toBe(TASK_MESSAGES.delimiterTooLong(1));
    for (const ok of ["||", "§", "→", "ab", "x".repeat(20)]) expect(csvDelimiterProblem(ok, 20), ok).toBeNull();
    expect(csvDelimiterProblem("a", 20)).toBe(TASK_MESSAGES.delimiterAlphanumeric);
    expect(csvDelimiterProblem("", 20)).toBe(TASK_MESSAGES.delimiterRequired);
    expect(csvDelimiterProblem("→".repeat(7), 20)).toBe("The delimiter must be at most 20 bytes (UTF-8)");
  });

  it("still refuses a delimiter equal to the quote, on the quote field", () => {
    const errors = fieldErrors(task({ file_format: { delimiter: "'", quote: "'" } }));
    expect(errors).toEqual({ "file_format.quote": TASK_MESSAGES.delimiterEqualsQuote });
  });

  it("keeps the defaults Databend uses (',' and '\"')", () => {
    expect(fileFormatSchema.parse({ type: "csv" })).toEqual({
      type: "csv",
      header: true,
      delimiter: ",",
      quote: '"',
      compression: "auto",
    });
  });
});

describe("stored tasks", () => {
  it("read back even when saved before a rule existed", () => {
    // As stored before these rules: a two-byte delimiter, a quote Databend refuses, a backtick.
    const record = makeTask({
      file_format: { type: "csv", header: true, delimiter: "§", quote: "|", compression: "auto" } as never,
      target: { database: "sa`les", table: "orders" },
    });
    expect(taskRecordSchema.parse(record).file_format).toMatchObject({ delimiter: "§", quote: "|" });
    // With the same defaults as the input schema.
    expect(taskRecordSchema.shape.file_format.parse({ type: "csv" })).toEqual(fileFormatSchema.parse({ type: "csv" }));
  });
});
