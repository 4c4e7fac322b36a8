/**
 * Strict IPv4 and IPv6 parsers (RFC 791 dotted quads, RFC 4291 text forms) and the policy of
 * which addresses count as personal data: every address except "this host" (0.0.0.0/8),
 * loopback (127.0.0.0/8, ::1), the unspecified address (::) and 255.x.x.x (netmasks and
 * broadcast), which name no one.
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

/** Whether an IPv4 address can point at a person's device or network. */
export function isPersonalIPv4(octets: number[]): boolean {
  const first = octets[0]!;
  return first !== 0 && first !== 127 && first !== 255;
}

/** Whether an IPv6 address can point at a person's device or network. */
export function isPersonalIPv6(groups: number[]): boolean {
  const nonZero = groups.findIndex((group) => group !== 0);
  if (nonZero === -1) return false; // ::
  if (nonZero === 7 && groups[7] === 1) return false; // ::1
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  return mapped
    ? isPersonalIPv4([groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255])
    : true;
}
