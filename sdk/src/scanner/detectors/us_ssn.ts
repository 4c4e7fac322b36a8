/**
 * US Social Security numbers: AAA-GG-SSSS (dashes or spaces) within the ranges the SSA
 * issues: area 001-899 except 666, group 01-99, serial 0001-9999, and not one of the numbers
 * published in advertising. Nine bare digits count only after a word such as "SSN".
 */
import { contextKeywords, nearestContext } from "../helpers/context.ts";
import { type NumericCandidate, sepKinds, shapeIs } from "../helpers/numeric_candidate.ts";
import type { Detector } from "./contract.ts";

/** A US number: the words are English. */
const CONTEXT = contextKeywords(
  { en: "ssn*|social security|social sec|ss#|ss no|tin|itin" },
  { en: "phone*|tel|call*|fax*|order*|invoice*|routing|account*" },
);

/** Numbers the SSA declared invalid after they appeared in advertising and examples. */
const PUBLISHED = new Set(["078051120", "219099999", "123456789"]);

/** Whether area, group and serial lie within the issued ranges. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  if (!/^\d{3}$/.test(area) || !/^\d{2}$/.test(group) || !/^\d{4}$/.test(serial)) return false;
  const areaNumber = Number(area);
  if (areaNumber === 0 || areaNumber === 666 || areaNumber >= 900) return false;
  if (group === "00" || serial === "0000") return false;
  return !PUBLISHED.has(area + group + serial);
}

/** Whether the candidate is a US SSN, given the words before it. */
export function isUsSsn(text: string, candidate: NumericCandidate): boolean {
  if (candidate.plus || candidate.paren) return false;
  const { values, digits } = candidate;
  if (shapeIs(candidate, 3, 2, 4)) {
    const kinds = sepKinds(candidate);
    if (kinds[0] !== kinds[1] || (kinds[0] !== "-" && kinds[0] !== " ")) return false;
    return ssnValid(values[0]!, values[1]!, values[2]!) &&
      nearestContext(text, candidate.start, CONTEXT) !== "negative";
  }
  if (shapeIs(candidate, 9)) {
    return ssnValid(digits.slice(0, 3), digits.slice(3, 5), digits.slice(5)) &&
      nearestContext(text, candidate.start, CONTEXT) === "positive";
  }
  return false;
}

export const usSsnDetector: Detector = {
  tags: ["PII_US_SSN"],
  numeric: (text, candidate) => isUsSsn(text, candidate) ? candidate.end : -1,
};
