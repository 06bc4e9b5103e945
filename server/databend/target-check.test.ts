// Reading the outcome of a target check from databend-driver's messages. The messages are the
// driver's own (copied from the dev warehouse and Databend); 1063 (permission denied) is here
// because the dev warehouse has no users or grants to produce it. The checks against the engine
// are in tests/task-target-checks.test.ts.
import { describe, expect, it } from "vitest";
import { databendErrorCode } from "./errors.ts";
import { classifyTargetError, databendAddress, databendUser } from "./target-check.ts";

const driver = (text: string) =>
  `APIError: QueryFailed: ${text} <Backtrace disabled by default. Please use RUST_BACKTRACE=1 to enable>. [v0.33.7]`;

describe("target check outcomes", () => {
  it("reads the Databend error code, not the driver version or retry notes", () => {
    expect(databendErrorCode(driver("[1025]Unknown table 'nope'."))).toBe(1025);
    expect(databendErrorCode("APIError: [request_kind=login retry_times=2]: reqwest::Error: error sending request [v0.33.7]")).toBeUndefined();
  });

  it("tells missing database, missing table and permission denied apart", () => {
    expect(classifyTargetError(driver("[1003]Unknown database 'nodb'."))).toEqual({ status: "missing_database" });
    expect(classifyTargetError(driver("[1025]Unknown table 'nope'."))).toEqual({ status: "missing_table" });
    expect(classifyTargetError(driver("[1063]Permission denied: privilege [Select] is required on 'default'.'orders'"))).toEqual({
      status: "denied",
    });
  });

  it("treats an answer without a Databend code as unreachable and any other code as an error, without the backtrace notice", () => {
    expect(
      classifyTargetError(
        "APIError: [request_kind=login retry_times=2]: reqwest::Error: error sending request, source_chain=client error (Connect) -> tcp connect error -> Connection refused (os error 111) [v0.33.7]",
      ),
    ).toMatchObject({ status: "unreachable", timedOut: false, detail: expect.stringMatching(/Connection refused \(os error 111\)$/) });
    expect(classifyTargetError(driver("[5100]wrong password"))).toEqual({
      status: "error",
      code: 5100,
      detail: "APIError: QueryFailed: [5100]wrong password",
    });
  });

  it("shows where Databend is without credentials", () => {
    const dsn = "databend://loader:p%40ss@db.example.com:8000/default?sslmode=disable";
    expect(databendAddress(dsn)).toBe("db.example.com:8000");
    expect(databendUser(dsn)).toBe("loader");
    expect(databendAddress("not a dsn")).toBe("(unparsable DATABEND_DSN)");
  });
});
