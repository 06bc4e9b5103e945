import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("uses the embedded defaults", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.orgId).toBe("local-org");
    expect(config.databendDsn).toBe("databend://root:@127.0.0.1:8000/default?sslmode=disable");
    expect(config.awsEndpointUrl).toBeUndefined();
  });

  it("names the variable when a port is not a number", () => {
    expect(() => loadConfig({ PORT: "http" })).toThrow(/PORT must be a port number/);
  });
});
