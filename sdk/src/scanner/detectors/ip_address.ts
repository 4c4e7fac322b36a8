/**
 * IP addresses. IPv4 is read from numeric candidates: exactly four dot-joined octets (a
 * fifth dotted part makes it a version or OID), optionally with a /prefix. IPv6 is found by
 * its colons and checked with a strict parser. Version and section words veto IPv4.
 */
import { isHex, isWordChar } from "../helpers/chars.ts";
import { contextKeywords, nearestContext } from "../helpers/context.ts";
import { isPersonalIPv4, isPersonalIPv6, parseIPv4, parseIPv6 } from "../helpers/ip_parse.ts";
import type { NumericCandidate } from "../helpers/numeric_candidate.ts";
import type { Emit } from "../tags.ts";
import type { Detector } from "./contract.ts";

/** Words of version numbers and numbered sections, whose dotted quads are not addresses. */
const IPV4_CONTEXT = contextKeywords(
  {
    en: "ip|address*|host*|server*|client*|from|addr*",
    de: "adresse*|rechner*",
    fr: "adresse*|serveur*|hôte*",
    es: "dirección*|direccion*|servidor*|equipo",
    ja: "アドレス|サーバ|接続元|送信元|ホスト",
  },
  {
    en: "version*|ver|ver.|upgrade*|update*|install*|patch*|windows|build*|v|release*|" +
      "firmware|section*|chapter*|§|article*|clause*|rule*|step*|figure*|fig|fig.|table*|oid|" +
      "paragraph*",
    de: "abschnitt*|kapitel*|absatz|artikel*|ziffer*|punkt|schritt*|abbildung*|abb.|" +
      "tabelle*|anhang*|aktualisierung*|versionsnummer*",
    fr: "chapitre*|paragraphe*|alinéa*|étape*|tableau*|annexe*|mise à jour",
    es: "versión*|capítulo*|sección*|seccion*|artículo*|articulo*|apartado*|paso|tabla*|" +
      "figura*|anexo*|actualización*",
    ja: "バージョン|第|章|節|条|項|図|表|手順|アップデート",
  },
);

/** The end of the IPv4 address the candidate is, or -1. */
export function ipv4End(text: string, candidate: NumericCandidate): number {
  if (candidate.plus || candidate.paren) return -1;
  const { groups, seps, values } = candidate;
  if (groups.length < 4 || seps[0] !== "." || seps[1] !== "." || seps[2] !== ".") return -1;
  let end: number;
  if (groups.length === 4) end = candidate.end;
  else if (groups.length === 5 && seps[3] === "/" && Number(values[4]) <= 32) end = groups[4]![1];
  else return -1;
  const octets = parseIPv4(values.slice(0, 4).join("."));
  if (!octets || !isPersonalIPv4(octets)) return -1;
  return nearestContext(text, candidate.start, IPV4_CONTEXT) === "negative" ? -1 : end;
}

const isV6Char = (c: number) => isHex(c) || c === 58 || c === 46; // hex, ":" and "."
const MAX_IPV6_TEXT = 45; // the longest text form: 6 groups, then a dotted quad

/**
 * IPv6 addresses. Each colon followed by a hex digit or a colon anchors a candidate; the run
 * of hex digits, colons and dots around it is parsed once and the scan resumes after it, so
 * every character is read a bounded number of times.
 */
export function detectIPv6(text: string, emit: Emit): void {
  let from = 0;
  for (;;) {
    const colon = text.indexOf(":", from);
    if (colon === -1) return;
    const next = text.charCodeAt(colon + 1);
    if (!isHex(next) && next !== 58) {
      from = colon + 1;
      continue;
    }
    let start = colon;
    while (start > 0 && colon - start <= MAX_IPV6_TEXT && isV6Char(text.charCodeAt(start - 1))) {
      start--;
    }
    let end = colon + 1;
    let colons = 1;
    for (let c = text.charCodeAt(end); isV6Char(c); c = text.charCodeAt(++end)) {
      if (c === 58) colons++;
    }
    from = end;
    // Every IPv6 text form has at least two colons; "at 10:30" has one.
    if (colons < 2) continue;
    // Sentence punctuation is not part of the address.
    let last = end;
    while (last > start && text.charCodeAt(last - 1) === 46) last--;
    if (last - start > MAX_IPV6_TEXT || last - start < 3) continue;
    if (isWordChar(text.charCodeAt(start - 1)) || isV6Char(text.charCodeAt(start - 1))) continue;
    if (isWordChar(text.charCodeAt(end))) continue;
    const groups = parseIPv6(text.slice(start, last));
    if (groups && isPersonalIPv6(groups)) emit("PII_IP_ADDRESS", start, last);
  }
}

export const ipAddressDetector: Detector = {
  tags: ["PII_IP_ADDRESS"],
  detect: detectIPv6,
  numeric: ipv4End,
};
