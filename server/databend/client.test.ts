import { describe, expect, it } from "vitest";
import { withShortRetryDelay } from "./client.ts";

describe("withShortRetryDelay", () => {
  it("adds retry_delay_secs=1 to a DSN with or without a query, and keeps one the DSN sets", () => {
    expect(withShortRetryDelay("databend://root:@127.0.0.1:8000/default")).toBe("databend://root:@127.0.0.1:8000/default?retry_delay_secs=1");
    expect(withShortRetryDelay("databend://u:p@h:8000/db?sslmode=disable")).toBe("databend://u:p@h:8000/db?sslmode=disable&retry_delay_secs=1");
    expect(withShortRetryDelay("databend://u:p@h:443/db?retry_delay_secs=5")).toBe("databend://u:p@h:443/db?retry_delay_secs=5");
  });
});
