/** Test helpers for the scanner: what was found, as [tag, matched text] pairs. */
import { type RiskTag, scan } from "../../sdk/mod.ts";

/** The findings of scan(text) as [tag, text] pairs; tests may look at the text, callers never get it. */
export function found(text: string): Array<[RiskTag, string]> {
  return scan(text).findings.map((f) => [f.tag, text.slice(f.start, f.end)]);
}

/** The texts found with `tag`. */
export function foundAs(tag: RiskTag, text: string): string[] {
  return found(text).filter(([t]) => t === tag).map(([, value]) => value);
}
