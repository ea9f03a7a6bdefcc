import { BlockList, isIP } from "node:net";

/**
 * The SSRF guard for subscription URLs (DESIGN §6). Pure: it judges a URL and the addresses its
 * host resolved to; resolving and connecting (to the address judged here) is the sender's job.
 *
 * Three classes of address:
 * - never: cloud metadata endpoints, multicast, documentation and reserved ranges;
 * - private: loopback, RFC 1918, link-local, CGNAT, unique-local… (allowed only with
 *   `BATON_ALLOW_PRIVATE_WEBHOOKS=true`);
 * - public: everything else.
 * IPv6 forms that embed an IPv4 address (mapped, translated, compatible, NAT64, 6to4, Teredo,
 * ISATAP) are judged by every address they embed as well as by their own range.
 */
export interface GuardOptions {
  allowPrivate: boolean;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

type Range = [address: string, prefix: number, reason: string];

const NEVER_V4: Range[] = [
  ["169.254.169.254", 32, "a cloud metadata address"],
  ["169.254.169.253", 32, "a cloud metadata address"],
  ["169.254.170.2", 32, "a cloud metadata address"],
  ["100.100.100.200", 32, "a cloud metadata address"],
  ["192.0.0.192", 32, "a cloud metadata address"],
  ["224.0.0.0", 4, "a multicast address"],
  ["240.0.0.0", 4, "a reserved address"],
  ["192.0.2.0", 24, "a documentation address"],
  ["198.51.100.0", 24, "a documentation address"],
  ["203.0.113.0", 24, "a documentation address"],
];
const PRIVATE_V4: Range[] = [
  ["127.0.0.0", 8, "a loopback address"],
  ["0.0.0.0", 8, "an unspecified address"],
  ["10.0.0.0", 8, "a private address"],
  ["172.16.0.0", 12, "a private address"],
  ["192.168.0.0", 16, "a private address"],
  ["169.254.0.0", 16, "a link-local address"],
  ["100.64.0.0", 10, "a carrier-grade NAT address"],
  ["192.0.0.0", 24, "an IETF protocol address"],
  ["198.18.0.0", 15, "a benchmarking address"],
];
const NEVER_V6: Range[] = [
  ["fd00:ec2::254", 128, "a cloud metadata address"],
  ["ff00::", 8, "a multicast address"],
  ["2001:db8::", 32, "a documentation address"],
  ["2001::", 32, "a Teredo address"],
  ["100::", 64, "a discard address"],
];
const PRIVATE_V6: Range[] = [
  ["::1", 128, "a loopback address"],
  ["::", 128, "an unspecified address"],
  ["fe80::", 10, "a link-local address"],
  ["fec0::", 10, "a site-local address"],
  ["fc00::", 7, "a unique-local address"],
  ["64:ff9b:1::", 48, "a local-use NAT64 address"],
];

/** Host names refused whatever they resolve to. */
const NEVER_HOSTS = new Set(["metadata.google.internal", "metadata", "instance-data"]);

interface Classified {
  list: BlockList;
  ranges: Range[];
}
const build = (ranges: Range[], type: "ipv4" | "ipv6"): Classified => {
  const list = new BlockList();
  for (const [address, prefix] of ranges) list.addSubnet(address, prefix, type);
  return { list, ranges };
};
const never4 = build(NEVER_V4, "ipv4");
const private4 = build(PRIVATE_V4, "ipv4");
const never6 = build(NEVER_V6, "ipv6");
const private6 = build(PRIVATE_V6, "ipv6");

function reasonIn(c: Classified, ip: string, type: "ipv4" | "ipv6"): string | undefined {
  if (!c.list.check(ip, type)) return undefined;
  for (const [address, prefix, reason] of c.ranges) {
    const one = new BlockList();
    one.addSubnet(address, prefix, type);
    if (one.check(ip, type)) return reason;
  }
  return "a blocked address";
}

/** The 8 hextets of an IPv6 address (accepts `::` and a trailing dotted quad). */
export function ipv6Hextets(ip: string): number[] {
  let text = ip.replace(/%.*$/, "").toLowerCase();
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const parse = (part: string | undefined) =>
    part ? part.split(":").map((h) => parseInt(h, 16)) : [];
  const left = parse(head);
  const right = parse(tail);
  const fill = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...fill, ...right];
}

/** The 16 bytes of an IPv6 address. */
function ipv6Bytes(ip: string): number[] {
  return ipv6Hextets(ip).flatMap((h) => [h >> 8, h & 255]);
}

const quad = (b: number[]) => b.join(".");

/** RFC 6052: the IPv4 address after a NAT64 prefix of `length` bits (bits 64–71 are skipped). */
function nat64Embedded(bytes: number[], length: 32 | 40 | 48 | 56 | 64 | 96): string {
  const after = bytes.filter((_, i) => i !== 8).slice(length / 8, length / 8 + 4);
  return quad(length === 96 ? bytes.slice(12) : after);
}

/**
 * Every IPv4 address an IPv6 one may carry and be routed to: mapped (::ffff:0:0/96), translated
 * (::ffff:0:0:0/96), compatible (::/96), NAT64 (the well-known 64:ff9b::/96, and every RFC 6052
 * position inside the local-use 64:ff9b:1::/48), 6to4 (2002::/16), Teredo (2001::/32: server and
 * de-obfuscated client) and ISATAP interface ids. Empty when there is none.
 */
export function embeddedIpv4s(ip: string): string[] {
  const h = ipv6Hextets(ip);
  const b = ipv6Bytes(ip);
  const zeros = (from: number, to: number) => h.slice(from, to).every((x) => x === 0);
  const last = quad(b.slice(12));
  const found: string[] = [];
  if (zeros(0, 5) && h[5] === 0xffff) found.push(last);
  if (zeros(0, 4) && h[4] === 0xffff && h[5] === 0) found.push(last);
  if (zeros(0, 6) && (h[6] !== 0 || h[7]! > 1)) found.push(last);
  if (h[0] === 0x64 && h[1] === 0xff9b) {
    if (h[2] === 1) for (const len of [48, 56, 64, 96] as const) found.push(nat64Embedded(b, len));
    else found.push(last);
  }
  if (h[0] === 0x2002) found.push(quad(b.slice(2, 6)));
  if (h[0] === 0x2001 && h[1] === 0) {
    found.push(quad(b.slice(4, 8)), quad(b.slice(12).map((x) => x ^ 255)));
  }
  if ((h[4]! & 0xfdff) === 0 && h[5] === 0x5efe) found.push(last);
  return [...new Set(found)];
}

/** The first IPv4 address inside an IPv6 one, if any (see embeddedIpv4s). */
export function embeddedIpv4(ip: string): string | undefined {
  return embeddedIpv4s(ip)[0];
}

/** Judges one IP address. */
export function checkAddress(ip: string, options: GuardOptions): Verdict {
  const family = isIP(ip);
  if (family === 0) return { ok: false, reason: "not an IP address" };
  if (family === 6) {
    for (const inner of embeddedIpv4s(ip)) {
      const verdict = checkAddress(inner, options);
      if (!verdict.ok) return verdict;
    }
  }
  const type = family === 4 ? "ipv4" : "ipv6";
  const never = reasonIn(family === 4 ? never4 : never6, ip, type);
  if (never) return { ok: false, reason: never };
  const priv = reasonIn(family === 4 ? private4 : private6, ip, type);
  if (priv && !options.allowPrivate) return { ok: false, reason: priv };
  return { ok: true };
}

export interface ParsedTarget {
  url: URL;
  /** The host without IPv6 brackets. */
  host: string;
  /** Set when the host is an IP literal (the URL parser already normalised 0x7f.1, 2130706433…). */
  ip: string | undefined;
}

/** Parses and checks the URL's form and, for an IP literal, its address. */
export function checkUrl(
  raw: string,
  options: GuardOptions,
): { ok: true; target: ParsedTarget } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "it is not a valid URL" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return { ok: false, reason: "only http and https URLs are allowed" };
  const host = url.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  if (!host) return { ok: false, reason: "it has no host" };
  if (NEVER_HOSTS.has(host)) return { ok: false, reason: `${host} is a cloud metadata host` };
  const ip = isIP(host) ? host : undefined;
  if (ip) {
    const verdict = checkAddress(ip, options);
    if (!verdict.ok) return { ok: false, reason: `${ip} is ${verdict.reason}` };
  }
  return { ok: true, target: { url, host, ip } };
}

/**
 * Judges every address a host name resolved to: one refused address refuses the host (a name
 * that also points inside is not a public endpoint). Returns the address to connect to.
 */
export function checkResolved(
  host: string,
  addresses: { address: string; family: number }[],
  options: GuardOptions,
): { ok: true; address: string; family: 4 | 6 } | { ok: false; reason: string } {
  if (addresses.length === 0) return { ok: false, reason: `${host} does not resolve` };
  for (const { address } of addresses) {
    const verdict = checkAddress(address, options);
    if (!verdict.ok)
      // The address itself is not echoed: it would tell a caller what internal names resolve to.
      return { ok: false, reason: `${host} resolves to a private or reserved address` };
  }
  const first = addresses[0]!;
  return { ok: true, address: first.address, family: first.family === 6 ? 6 : 4 };
}
