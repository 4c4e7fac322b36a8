/**
 * Strict IPv4 and IPv6 parsers (RFC 791 dotted quads, RFC 4291 text forms) and the policy of
 * which addresses count as personal data: globally reachable unicast addresses, which an
 * internet provider assigns to its subscribers (the kind the CJEU held to be personal data in
 * Breyer, C-582/14). Private, shared, loopback, link-local, documentation, benchmarking,
 * multicast and reserved ranges, and well-known public resolvers, name no one.
 */

/** The four octets of a dotted quad, or null. Octets are 0..255 without leading zeros. */
export function parseIPv4(text: string): number[] | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const octets: number[] = [];
  for (const part of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    octets.push(value);
  }
  return octets;
}

/** The eight 16-bit groups of an IPv6 address in text form, or null. */
export function parseIPv6(text: string): number[] | null {
  const gap = text.indexOf("::");
  if (gap !== -1 && text.indexOf("::", gap + 1) !== -1) return null;
  const head = gap === -1 ? text : text.slice(0, gap);
  const tail = gap === -1 ? "" : text.slice(gap + 2);
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === "" ? [] : tail.split(":");
  // A trailing dotted quad (e.g. ::ffff:192.0.2.1) stands for the last two groups.
  const finalGroups = gap === -1 ? headGroups : tailGroups;
  const lastGroup = finalGroups[finalGroups.length - 1];
  let embedded: number[] | null = null;
  if (lastGroup !== undefined && lastGroup.includes(".")) {
    embedded = parseIPv4(lastGroup);
    if (!embedded) return null;
    finalGroups.pop();
  }
  for (const group of [...headGroups, ...tailGroups]) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return null;
  }
  const explicit = headGroups.length + tailGroups.length + (embedded ? 2 : 0);
  if (gap === -1 ? explicit !== 8 : explicit > 7) return null;
  const hex = (groups: string[]) => groups.map((group) => parseInt(group, 16));
  return [
    ...hex(headGroups),
    ...new Array<number>(8 - explicit).fill(0),
    ...hex(tailGroups),
    ...(embedded ? [embedded[0]! * 256 + embedded[1]!, embedded[2]! * 256 + embedded[3]!] : []),
  ];
}

/**
 * IPv4 ranges that are not the address of anyone's device or network on the internet: the
 * IANA special-purpose address registry (RFC 6890 and its updates) less its globally
 * reachable entries, plus multicast (RFC 5771) and the reserved 240/4 (RFC 1112).
 */
const SPECIAL_V4: ReadonlyArray<readonly [string, number]> = [
  ["0.0.0.0", 8], // "this network" (RFC 791)
  ["10.0.0.0", 8], // private (RFC 1918)
  ["100.64.0.0", 10], // shared address space, carrier-grade NAT (RFC 6598)
  ["127.0.0.0", 8], // loopback (RFC 1122)
  ["169.254.0.0", 16], // link-local (RFC 3927)
  ["172.16.0.0", 12], // private (RFC 1918)
  ["192.0.0.0", 24], // IETF protocol assignments (RFC 6890)
  ["192.0.2.0", 24], // TEST-NET-1, documentation (RFC 5737)
  ["192.88.99.0", 24], // former 6to4 relay anycast (RFC 7526)
  ["192.168.0.0", 16], // private (RFC 1918)
  ["198.18.0.0", 15], // benchmarking (RFC 2544)
  ["198.51.100.0", 24], // TEST-NET-2, documentation (RFC 5737)
  ["203.0.113.0", 24], // TEST-NET-3, documentation (RFC 5737)
  ["224.0.0.0", 4], // multicast (RFC 5771)
  ["240.0.0.0", 4], // reserved (RFC 1112), with 255.255.255.255, limited broadcast (RFC 919)
];

/**
 * Well-known public DNS resolvers: companies' anycast services, named in configuration and
 * troubleshooting, never a person's address. Google Public DNS, Cloudflare, Quad9, OpenDNS,
 * AdGuard DNS, CleanBrowsing, Level 3 and Yandex DNS, as each operator publishes them.
 */
const RESOLVERS_V4 = new Set([
  ...["8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "1.1.1.2", "1.0.0.2", "1.1.1.3", "1.0.0.3"],
  ...["9.9.9.9", "149.112.112.112", "9.9.9.10", "149.112.112.10", "9.9.9.11", "149.112.112.11"],
  ...["208.67.222.222", "208.67.220.220", "94.140.14.14", "94.140.15.15", "185.228.168.9"],
  ...["185.228.169.9", "4.2.2.1", "4.2.2.2", "77.88.8.8", "77.88.8.1"],
]);
const RESOLVERS_V6 = new Set(
  [
    ...["2001:4860:4860::8888", "2001:4860:4860::8844", "2606:4700:4700::1111"],
    ...["2606:4700:4700::1001", "2620:fe::fe", "2620:fe::9", "2620:119:35::35"],
    ...["2620:119:53::53", "2a10:50c0::ad1:ff", "2a10:50c0::ad2:ff"],
  ].map((text) => parseIPv6(text)!.join(":")),
);

const toNumber = (octets: readonly number[]) =>
  octets[0]! * 2 ** 24 + octets[1]! * 2 ** 16 + octets[2]! * 256 + octets[3]!;
const SPECIAL_V4_SPANS = SPECIAL_V4.map(([base, prefix]) => {
  const low = toNumber(parseIPv4(base)!);
  return [low, low + 2 ** (32 - prefix) - 1] as const;
});

/**
 * Whether an IPv4 address can be a person's device or network: globally reachable unicast,
 * not a well-known public resolver (docs/sdk-scanner.md, "IP addresses").
 */
export function isPersonalIPv4(octets: number[]): boolean {
  const value = toNumber(octets);
  for (const [low, high] of SPECIAL_V4_SPANS) if (value >= low && value <= high) return false;
  return !RESOLVERS_V4.has(octets.join("."));
}

/**
 * The same for IPv6: global unicast (2000::/3) outside documentation (2001:db8::/32, RFC 3849;
 * 3fff::/20, RFC 9637) and the IETF protocol block 2001::/23 (Teredo, ORCHID…), and not a
 * public resolver; IPv4-mapped addresses follow the IPv4 rule. Unique local (fc00::/7),
 * link-local (fe80::/10), multicast (ff00::/8), loopback and unspecified name no one.
 */
export function isPersonalIPv6(groups: number[]): boolean {
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) {
    return isPersonalIPv4([groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255]);
  }
  const [first, second] = [groups[0]!, groups[1]!];
  if (first < 0x2000 || first > 0x3fff) return false;
  if (first === 0x2001 && (second === 0x0db8 || second < 0x0200)) return false;
  if (first === 0x3fff && second < 0x1000) return false;
  return !RESOLVERS_V6.has(groups.join(":"));
}
