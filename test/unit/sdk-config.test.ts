import { describe, expect, it } from "vitest";
import { BatonConfigError, resolveBaseUrl, resolveConfig } from "../../src/sdk/index.js";

describe("base URL rules (Delega's)", () => {
  it.each([
    ["http://localhost:18890", "http://localhost:18890/api"],
    ["http://127.0.0.1:3000/", "http://127.0.0.1:3000/api"],
    ["http://[::1]:3000", "http://[::1]:3000/api"],
    ["https://baton.example.com", "https://baton.example.com/v1"],
    ["https://baton.example.com/api", "https://baton.example.com/api"],
    ["https://example.com/baton/v1/", "https://example.com/baton/v1"],
    ["baton.example.com", "https://baton.example.com/v1"],
  ])("%s → %s", (input, expected) => {
    expect(resolveBaseUrl(input)).toBe(expected);
  });

  it("refuses plain http:// to a remote host unless insecure", () => {
    expect(() => resolveBaseUrl("http://baton.example.com")).toThrow(BatonConfigError);
    expect(() => resolveBaseUrl("http://baton.example.com")).toThrow(/--insecure/);
    expect(resolveBaseUrl("http://10.0.0.5:3000", { insecure: true })).toBe(
      "http://10.0.0.5:3000/v1",
    );
  });
});

describe("resolveConfig", () => {
  it("prefers BATON_* and falls back to Delega's variables, then the saved login", () => {
    expect(
      resolveConfig({
        env: {
          BATON_URL: "https://a.example",
          BATON_AGENT_KEY: "bat_1",
          DELEGA_API_URL: "https://b.example",
        },
      }),
    ).toEqual({ baseUrl: "https://a.example/v1", agentKey: "bat_1" });
    expect(
      resolveConfig({ env: { DELEGA_API_URL: "http://localhost:18890", DELEGA_API_KEY: "dlg_2" } }),
    ).toEqual({
      baseUrl: "http://localhost:18890/api",
      agentKey: "dlg_2",
    });
    expect(
      resolveConfig({
        env: { DELEGA_AGENT_KEY: "dlg_a", DELEGA_API_KEY: "dlg_b" },
        fallback: { url: "https://saved.example", agentKey: "bat_saved" },
      }),
    ).toEqual({ baseUrl: "https://saved.example/v1", agentKey: "dlg_a" });
    expect(
      resolveConfig({ url: "https://flag.example", env: { BATON_URL: "https://env.example" } })
        .baseUrl,
    ).toBe("https://flag.example/v1");
  });

  it("says what to do when no URL is configured", () => {
    expect(() => resolveConfig({ env: {} })).toThrow(/BATON_URL.*baton login/);
  });
});
