import { describe, expect, it } from "vitest";
import {
  checkAddress,
  checkResolved,
  checkUrl,
  embeddedIpv4,
  embeddedIpv4s,
} from "../../src/events/url-guard.js";

const strict = { allowPrivate: false };
const lax = { allowPrivate: true };

describe("url guard", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.1.1", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.254", "carrier-grade NAT"],
    ["0.0.0.0", "unspecified"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fd12:3456::1", "unique-local"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:7f00:1", "loopback"],
    ["64:ff9b::c0a8:101", "private"],
    ["2002:c0a8:101::1", "private"],
  ])("refuses %s (%s) unless private targets are allowed", (ip, kind) => {
    const verdict = checkAddress(ip, strict);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toContain(kind);
    expect(checkAddress(ip, lax).ok).toBe(true);
  });

  it.each([
    "169.254.169.254",
    "169.254.170.2",
    "100.100.100.200",
    "fd00:ec2::254",
    "::ffff:169.254.169.254",
    "224.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "2001:db8::1",
  ])("always refuses %s", (ip) => {
    expect(checkAddress(ip, lax).ok).toBe(false);
  });

  it.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])(
    "allows public %s",
    (ip) => expect(checkAddress(ip, strict).ok).toBe(true),
  );

  it.each([
    ["http://2130706433/", "127.0.0.1"],
    ["http://0177.0.0.1/", "127.0.0.1"],
    ["http://0x7f.0.0.1/", "127.0.0.1"],
    ["http://127.1/", "127.0.0.1"],
    ["http://017700000001/", "127.0.0.1"],
    ["http://[::ffff:127.0.0.1]/", "::ffff:7f00:1"],
    ["http://[0:0:0:0:0:ffff:a9fe:a9fe]/", "::ffff:a9fe:a9fe"],
    ["http://0xa9fea9fe/", "169.254.169.254"],
  ])("sees through %s", (url, ip) => {
    const verdict = checkUrl(url, strict);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toContain(ip);
  });

  it("refuses other schemes and metadata host names", () => {
    expect(checkUrl("file:///etc/passwd", lax).ok).toBe(false);
    expect(checkUrl("gopher://example.com/", lax).ok).toBe(false);
    expect(checkUrl("not a url", lax).ok).toBe(false);
    expect(checkUrl("http://metadata.google.internal/computeMetadata/v1/", lax).ok).toBe(false);
    expect(checkUrl("https://hooks.example.com/baton", strict).ok).toBe(true);
  });

  it("refuses a host name if any address it resolves to is refused", () => {
    const mixed = [
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.5", family: 4 },
    ];
    const verdict = checkResolved("rebind.example", mixed, strict);
    expect(verdict.ok).toBe(false);
    // Refused, without telling the caller what the name resolves to inside.
    expect(!verdict.ok && verdict.reason).toBe(
      "rebind.example resolves to a private or reserved address",
    );
    expect(checkResolved("a.example", [{ address: "93.184.216.34", family: 4 }], strict)).toEqual({
      ok: true,
      address: "93.184.216.34",
      family: 4,
    });
    expect(checkResolved("none.example", [], strict).ok).toBe(false);
  });

  it("extracts IPv4 addresses embedded in IPv6", () => {
    expect(embeddedIpv4("::ffff:1.2.3.4")).toBe("1.2.3.4");
    expect(embeddedIpv4("64:ff9b::102:304")).toBe("1.2.3.4");
    expect(embeddedIpv4("2002:102:304::")).toBe("1.2.3.4");
    expect(embeddedIpv4("2606:4700::1111")).toBeUndefined();
    expect(embeddedIpv4s("::ffff:0:7f00:1")).toEqual(["127.0.0.1"]);
    expect(embeddedIpv4s("64:ff9b:1::7f00:1")).toContain("127.0.0.1");
    expect(embeddedIpv4s("64:ff9b:1:7f00:0:100::")).toContain("127.0.0.1"); // RFC 6052 /48
    expect(embeddedIpv4s("2001:0:a9fe:a9fe::")).toContain("169.254.169.254"); // Teredo server
    expect(embeddedIpv4s("2001:0:808:808::80ff:fffe")).toContain("127.0.0.1"); // Teredo client
    expect(embeddedIpv4s("2606:4700::5efe:a00:1")).toEqual(["10.0.0.1"]); // ISATAP
  });

  it.each([
    "http://[::ffff:0:127.0.0.1]/",
    "http://[::ffff:0:7f00:1]/",
    "http://[64:ff9b:1::7f00:1]/",
    "http://[64:ff9b:1:7f00:1::]/",
    "http://[64:ff9b:1:7f:0:100::]/",
    "http://[64:ff9b::127.0.0.1]/",
    "http://[::127.0.0.1]/",
    "http://[2002:7f00:1::1]/",
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
    "http://[2606:4700::5efe:7f00:1]/",
    "http://[2606:4700::200:5efe:a9fe:a9fe]/",
  ])("refuses %s, an IPv6 form of an inside IPv4 address", (url) => {
    expect(checkUrl(url, strict).ok).toBe(false);
  });

  it("refuses a cloud metadata address in any IPv6 wrapping, even with private targets allowed", () => {
    for (const ip of [
      "::ffff:0:a9fe:a9fe",
      "64:ff9b::a9fe:a9fe",
      "64:ff9b:1::a9fe:a9fe",
      "2002:a9fe:a9fe::1",
      "2606:4700::5efe:a9fe:a9fe",
    ])
      expect(checkAddress(ip, lax)).toMatchObject({
        ok: false,
        reason: "a cloud metadata address",
      });
  });
});
