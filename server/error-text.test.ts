import { describe, expect, it } from "vitest";
import { DETAIL_MAX, detailOf, errorText, excerpt, oneLine, scrubSecrets } from "./error-text.ts";

describe("scrubSecrets (the one rule for every error text that leaves the process)", () => {
  it("removes each given secret as written, inside a SQL string literal and inside a URL", () => {
    const secret = "pa'ss w\\rd/+";
    const sqlForm = "pa\\'ss w\\\\rd/+";
    const text = `login ${secret} stmt '${sqlForm}' url https://u:${encodeURIComponent(secret)}@h`;
    const out = scrubSecrets(text, [secret]);
    expect(out).not.toContain("pa'ss");
    expect(out).not.toContain("pa\\'ss");
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out.match(/\[redacted\]/g)).toHaveLength(3);
  });
  it("removes CONNECTION credential assignments, AWS key ids and long opaque tokens with no list of secrets", () => {
    expect(scrubSecrets("SESSION_TOKEN = 'abc\\'def' rest")).toBe("SESSION_TOKEN = '[redacted]' rest");
    expect(scrubSecrets("secret_access_key='x''y' z")).toBe("secret_access_key='[redacted]' z");
    expect(scrubSecrets("The key AKIAIOSFODNN7EXAMPLE is not valid; ASIAY34FZKBOKMUTVV7A too")).toBe("The key [redacted] is not valid; [redacted] too");
    const token = "IQoJb3JpZ2luX2VjE" + "A".repeat(300) + "/+=";
    expect(scrubSecrets(`token ${token} end`)).toBe("token [redacted] end");
  });
  it("keeps what an operator needs: codes, object keys, messages", () => {
    const text = "APIError: QueryFailed: [3001]StorageNotFound at file 'incoming/2026/12/07/orders-0001.csv', line 3";
    expect(scrubSecrets(text, ["hunter2"])).toBe(text);
  });
});

describe("error text shape", () => {
  it("errorText: Name: message on one line, plain Error without its name", () => {
    const typed = new TypeError("bad\n  thing");
    expect(errorText(typed)).toBe("TypeError: bad thing");
    expect(errorText(new Error("plain"))).toBe("plain");
    expect(errorText("a\tstring")).toBe("a string");
  });
  it("excerpt cuts with an ellipsis, oneLine folds white space, detailOf caps at DETAIL_MAX or leaves nothing", () => {
    expect(excerpt("abcdef", 3)).toBe("abc…");
    expect(excerpt("abc", 3)).toBe("abc");
    expect(oneLine("  a \n\n b ")).toBe("a b");
    expect(detailOf(undefined)).toEqual({});
    expect(detailOf("")).toEqual({});
    expect(detailOf("x".repeat(DETAIL_MAX + 5)).detail).toHaveLength(DETAIL_MAX + 1);
  });
});
