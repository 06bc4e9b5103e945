import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("uses the embedded defaults", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    // Unset: the first organization gets a generated ID (npm start sets local-org for the sandbox).
    expect(config.orgId).toBeUndefined();
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

  it("answers for the loopback names only by default", () => {
    const config = loadConfig({});
    expect(config.allowedHosts).toEqual(["localhost", "127.0.0.1", "[::1]"]);
    expect(config.publicOrigin).toBeUndefined();
  });

  it("adds the host of PUBLIC_URL and the names in ALLOWED_HOSTS, in the form a Host header is read", () => {
    const config = loadConfig({ PUBLIC_URL: "https://Console.Example.com:8443/app/", ALLOWED_HOSTS: " 10.0.0.5, Ops.Example.com. ,[FD00::1],," });
    expect(config.publicOrigin).toBe("https://console.example.com:8443");
    expect(config.allowedHosts).toEqual(["localhost", "127.0.0.1", "[::1]", "console.example.com", "10.0.0.5", "ops.example.com", "[fd00::1]"]);
  });

  it.each(["console.example.com:8443", "https://console.example.com", "example.com/app", "user@example.com"])(
    "refuses the ALLOWED_HOSTS entry %s and says what an entry is",
    (entry) => {
      expect(() => loadConfig({ ALLOWED_HOSTS: entry })).toThrow(/ALLOWED_HOSTS is a comma-separated list of host names without scheme, port or path/);
    },
  );

  it("takes CLOUDFORMATION_TEMPLATE_URL only as an https Amazon S3 URL (quick-create links accept nothing else)", () => {
    expect(loadConfig({}).cloudFormationTemplateUrl).toBeUndefined();
    const url = "https://my-bucket.s3.us-east-1.amazonaws.com/databend-aws-side.json";
    expect(loadConfig({ CLOUDFORMATION_TEMPLATE_URL: url }).cloudFormationTemplateUrl).toBe(url);
    for (const bad of ["https://example.com/t.json", "http://my-bucket.s3.amazonaws.com/t.json"]) {
      expect(() => loadConfig({ CLOUDFORMATION_TEMPLATE_URL: bad }), bad).toThrow(/^CLOUDFORMATION_TEMPLATE_URL must be the https Amazon S3 URL/);
    }
  });

  it("refuses a PUBLIC_URL that is not an http(s) URL", () => {
    expect(() => loadConfig({ PUBLIC_URL: "console.example.com" })).toThrow(/PUBLIC_URL must be the http\(s\) address/);
    expect(() => loadConfig({ PUBLIC_URL: "ftp://console.example.com" })).toThrow(/PUBLIC_URL must be/);
  });

  it("has timeouts and a body limit by default, each configurable and checked", () => {
    expect(loadConfig({})).toMatchObject({ requestTimeoutMs: 30_000, connectionTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000, bodyLimitBytes: 65_536 });
    const set = loadConfig({ REQUEST_TIMEOUT_MS: "1000", CONNECTION_TIMEOUT_MS: "2000", KEEP_ALIVE_TIMEOUT_MS: "3000", BODY_LIMIT_BYTES: "4096" });
    expect(set).toMatchObject({ requestTimeoutMs: 1000, connectionTimeoutMs: 2000, keepAliveTimeoutMs: 3000, bodyLimitBytes: 4096 });
    for (const name of ["REQUEST_TIMEOUT_MS", "CONNECTION_TIMEOUT_MS", "KEEP_ALIVE_TIMEOUT_MS", "BODY_LIMIT_BYTES"]) {
      expect(() => loadConfig({ [name]: "0" })).toThrow(new RegExp(`${name} must be a whole number of at least 1`));
    }
  });

  it("trusts no proxy by default; TRUST_PROXY lists addresses and CIDR ranges, never everyone", () => {
    expect(loadConfig({}).trustProxy).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: " 10.0.0.5, 10.1.0.0/16,::1,fd00::/8, Loopback " }).trustProxy).toEqual(["10.0.0.5", "10.1.0.0/16", "::1", "fd00::/8", "loopback"]);
    for (const bad of ["true", "*", "1", "10.0.0.0/33", "10.0.0.0/0", "proxy.example.com", "10.0.0.5,,x", "::1/129"]) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY must list the reverse proxies' addresses or CIDR ranges/);
    }
  });

  it("seeds nothing without the ADMIN_ variables, and reads all three together", () => {
    expect(loadConfig({}).adminSeed).toBeUndefined();
    const key = "k".repeat(32);
    expect(loadConfig({ ADMIN_EMAIL: "a@example.com", ADMIN_PASSWORD: "pw-long-enough", ADMIN_API_KEY: key }).adminSeed).toEqual({
      email: "a@example.com",
      password: "pw-long-enough",
      apiKey: key,
    });
  });

  it("names the missing ADMIN_ variables when only some are set", () => {
    expect(() => loadConfig({ ADMIN_EMAIL: "a@example.com" })).toThrow(/ADMIN_PASSWORD and ADMIN_API_KEY are missing/);
    expect(() => loadConfig({ ADMIN_EMAIL: "a@example.com", ADMIN_PASSWORD: "pw-long-enough" })).toThrow(/ADMIN_API_KEY is missing/);
  });

  it("refuses an ADMIN_API_KEY shorter than 32 characters or with spaces", () => {
    const seed = { ADMIN_EMAIL: "a@example.com", ADMIN_PASSWORD: "pw-long-enough" };
    expect(() => loadConfig({ ...seed, ADMIN_API_KEY: "k".repeat(31) })).toThrow(/ADMIN_API_KEY must be at least 32 characters/);
    expect(() => loadConfig({ ...seed, ADMIN_API_KEY: "k".repeat(20) + " " + "k".repeat(20) })).toThrow(/ADMIN_API_KEY must be/);
  });

  it("takes AUTH_SECRET when set (32 characters or more), else a random secret per process", () => {
    const secret = "s".repeat(32);
    expect(loadConfig({ AUTH_SECRET: secret }).authSecret).toBe(secret);
    expect(() => loadConfig({ AUTH_SECRET: "short" })).toThrow(/AUTH_SECRET must be at least 32 characters/);
    const a = loadConfig({}).authSecret;
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({}).authSecret).not.toBe(a);
  });
  describe("single sign-on (OIDC_*)", () => {
    const OIDC = { OIDC_ISSUER: "https://login.example.com/realms/acme", OIDC_CLIENT_ID: "console", OIDC_CLIENT_SECRET: "s3cret", ORG_ID: "acme" };

    it("is off without OIDC_ISSUER, and takes its defaults with the three required variables", () => {
      expect(loadConfig({}).oidc).toBeUndefined();
      expect(loadConfig(OIDC).oidc).toEqual({
        issuer: "https://login.example.com/realms/acme",
        clientId: "console",
        clientSecret: "s3cret",
        providerId: "oidc",
        label: "single sign-on",
        orgId: "acme",
        defaultRole: "viewer",
      });
    });

    it("reads the optional variables and keeps the issuer exactly as given", () => {
      const oidc = loadConfig({
        ...OIDC,
        OIDC_ISSUER: "https://tenant.example.com/",
        OIDC_PROVIDER_ID: "acme-idp",
        OIDC_LABEL: " Acme ",
        OIDC_ORG_ID: "org-2",
        OIDC_DEFAULT_ROLE: "operator",
      }).oidc;
      expect(oidc).toMatchObject({ issuer: "https://tenant.example.com/", providerId: "acme-idp", label: "Acme", orgId: "org-2", defaultRole: "operator" });
    });

    it("names the missing variables when only some are set, or no organization to join", () => {
      expect(() => loadConfig({ ...OIDC, ORG_ID: "" })).toThrow(/^OIDC_ORG_ID must name the organization/);
      expect(loadConfig({ ...OIDC, ORG_ID: "", OIDC_ORG_ID: "org-2" }).oidc?.orgId).toBe("org-2");
      expect(() => loadConfig({ OIDC_ISSUER: OIDC.OIDC_ISSUER })).toThrow(/OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are missing/);
      expect(() => loadConfig({ OIDC_CLIENT_ID: "c", OIDC_CLIENT_SECRET: "s" })).toThrow(/OIDC_ISSUER is missing/);
    });

    it("names the variable whose value is wrong", () => {
      expect(() => loadConfig({ ...OIDC, OIDC_ISSUER: "login.example.com" })).toThrow(/^OIDC_ISSUER must be/);
      expect(() => loadConfig({ ...OIDC, OIDC_ISSUER: "http://login.example.com" })).toThrow(/^OIDC_ISSUER must be .*https/);
      expect(() => loadConfig({ ...OIDC, OIDC_ISSUER: "https://login.example.com/?tenant=1" })).toThrow(/^OIDC_ISSUER must be/);
      expect(loadConfig({ ...OIDC, OIDC_ISSUER: "http://127.0.0.1:4567" }).oidc?.issuer).toBe("http://127.0.0.1:4567");
      expect(() => loadConfig({ ...OIDC, OIDC_PROVIDER_ID: "Acme/IdP" })).toThrow(/^OIDC_PROVIDER_ID must be/);
      expect(() => loadConfig({ ...OIDC, OIDC_DEFAULT_ROLE: "owner" })).toThrow(/^OIDC_DEFAULT_ROLE must be one of admin, operator, viewer/);
      expect(() => loadConfig({ ...OIDC, OIDC_LABEL: "x".repeat(61) })).toThrow(/^OIDC_LABEL must be at most 60/);
    });
  });
});
