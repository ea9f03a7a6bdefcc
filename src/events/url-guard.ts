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
 * IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by it.
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

/** The IPv4 address inside an IPv6 one (mapped, compatible, NAT64 64:ff9b::/96, 6to4), if any. */
export function embeddedIpv4(ip: string): string | undefined {
  const h = ipv6Hextets(ip);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (from: number, to: number) => h.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && h[5] === 0xffff) return v4(h[6]!, h[7]!);
  if (zeros(0, 6) && (h[6] !== 0 || h[7]! > 1)) return v4(h[6]!, h[7]!);
  if (h[0] === 0x64 && h[1] === 0xff9b && zeros(2, 6)) return v4(h[6]!, h[7]!);
  if (h[0] === 0x2002) return v4(h[1]!, h[2]!);
  return undefined;
}

/** Judges one IP address. */
export function checkAddress(ip: string, options: GuardOptions): Verdict {
  const family = isIP(ip);
  if (family === 0) return { ok: false, reason: "not an IP address" };
  if (family === 6) {
    const inner = embeddedIpv4(ip);
    if (inner) return checkAddress(inner, options);
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
      return { ok: false, reason: `${host} resolves to ${address}, ${verdict.reason}` };
  }
  const first = addresses[0]!;
  return { ok: true, address: first.address, family: first.family === 6 ? 6 : 4 };
}
