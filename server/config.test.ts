import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("uses the embedded defaults", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.orgId).toBe("local-org");
    expect(config.databendDsn).toBe("databend://root:@127.0.0.1:8000/default?sslmode=disable");
    expect(config.awsEndpointUrl).toBeUndefined();
    expect(config.databendCheckTimeoutMs).toBe(5000);
  });

  it("reads the target check's timeout and names the variable when it is not a positive whole number", () => {
    expect(loadConfig({ DATABEND_CHECK_TIMEOUT_MS: "1500" }).databendCheckTimeoutMs).toBe(1500);
    expect(() => loadConfig({ DATABEND_CHECK_TIMEOUT_MS: "0" })).toThrow(/DATABEND_CHECK_TIMEOUT_MS must be/);
  });

  it("names the variable when a port is not a number", () => {
    expect(() => loadConfig({ PORT: "http" })).toThrow(/PORT must be a port number/);
  });
});
