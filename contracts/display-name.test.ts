// Names that would not read as what they are: refused by both contracts that carry a name, with a
// message naming the field, so the form and the API say the same thing.
import { describe, expect, it } from "vitest";
import { fieldErrors } from "./api.ts";
import { dataSourceInputSchema, MESSAGES } from "./data-source.ts";
import { NAME_MESSAGES } from "./display-name.ts";
import { taskInputSchema, TASK_MESSAGES } from "./task.ts";
import { makeDataSourceInput } from "../tests/support/fixtures.ts";

const dataSource = (name: string) => ({ ...makeDataSourceInput("org-1"), name });
const task = (name: string) => ({ name, data_source_id: "ds-1", file_format: { type: "csv" }, target: { table: "orders" } });

const cases = [
  { record: "data source", schema: dataSourceInputSchema, input: dataSource, tooLong: MESSAGES.nameTooLong },
  { record: "task", schema: taskInputSchema, input: task, tooLong: TASK_MESSAGES.nameTooLong },
] as const;

function nameError(schema: (typeof cases)[number]["schema"], input: unknown): string | undefined {
  const result = schema.safeParse(input);
  return result.success ? undefined : fieldErrors(result.error).name;
}

describe.each(cases)("the $record name", ({ record, schema, input, tooLong }) => {
  it("accepts names in any script, with spaces, punctuation and emoji", () => {
    for (const name of ["Orders", "orders / 2024 (EU)", "日本語の注文", "طلبات", "שם", "café ☕", "a-b_c.d"]) {
      expect(nameError(schema, input(name)), name).toBeUndefined();
    }
  });

  it("trims line breaks and tabs at either end instead of refusing them", () => {
    const result = schema.safeParse(input("\t Orders \n"));
    expect(result.success && result.data.name).toBe("Orders");
  });

  it.each([
    ["NUL", "a\u0000b"],
    ["a line break inside", "first\nsecond"],
    ["a tab inside", "a\tb"],
    ["an escape (terminal colours)", "a\u001b[31mred"],
    ["DEL", "a\u007fb"],
    ["a C1 control", "a\u0085b"],
  ])("refuses %s with a message naming the field", (_what, name) => {
    expect(nameError(schema, input(name))).toBe(NAME_MESSAGES.control(record));
    expect(NAME_MESSAGES.control(record)).toContain(`${record} name`);
  });

  it.each([
    ["U+202E right-to-left override", "invoice\u202Etxt.exe"],
    ["U+202A left-to-right embedding", "a\u202Ab"],
    ["U+202D left-to-right override", "a\u202Db"],
    ["U+2066 left-to-right isolate", "a\u2066b"],
    ["U+2069 pop directional isolate", "a\u2069b"],
    ["U+200E left-to-right mark", "a\u200Eb"],
    ["U+200F right-to-left mark", "a\u200Fb"],
    ["U+200F at the end (trim leaves it)", "orders\u200F"],
  ])("refuses %s with a message naming the field", (_what, name) => {
    expect(nameError(schema, input(name))).toBe(NAME_MESSAGES.bidi(record));
    expect(NAME_MESSAGES.bidi(record)).toContain(`${record} name`);
  });

  it("still counts length after trimming", () => {
    expect(nameError(schema, input("x".repeat(128)))).toBeUndefined();
    expect(nameError(schema, input("x".repeat(129)))).toBe(tooLong);
  });
});
