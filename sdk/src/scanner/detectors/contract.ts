/**
 * The one contract every detector in this folder meets (after Microsoft Presidio's
 * predefined recognizers: patterns, context words, a validate step). A detector names the tags
 * it emits and finds candidates in one of two ways:
 * - `detect` reads the whole text itself: it finds its anchors (a prefix, an "@", a colon),
 *   validates each candidate and emits the findings;
 * - `numeric` judges one numeric candidate (a run of digit groups, tokenised once for every
 *   numeric detector by helpers/numeric_runs.ts) and returns the end of its finding, -1 when
 *   the candidate is not of its kind, or NAMES_NO_ONE when it is of its kind but identifies
 *   no one (a published test card, a fictional phone number, a card that fails Luhn): then
 *   no part of it is read again as another kind.
 *   Numeric detectors are tried in the order scan.ts lists them; the first that accepts wins.
 * Context words (positive and veto, per language) come from helpers/context.ts. Every detector
 * is linear in the text: anchors are found at native speed, windows around them are bounded.
 */
import type { NumericCandidate } from "../helpers/numeric_candidate.ts";
import type { Emit, RiskTag } from "../tags.ts";

/** A numeric judgement: of this kind, but not reported, and its digits are not read again. */
export const NAMES_NO_ONE = -2;

export type Detector = {
  /** The tags it emits; a numeric judgement is reported as the first. */
  readonly tags: readonly [RiskTag, ...RiskTag[]];
  /** Reads the whole text once and emits each finding. */
  readonly detect?: (text: string, emit: Emit) => void;
  /**
   * The end of the finding the candidate is, -1, or NAMES_NO_ONE. `weak` admits shapes that need a
   * positive context word: the caller tries strong shapes first.
   */
  readonly numeric?: (
    text: string,
    candidate: NumericCandidate,
    weak: boolean,
  ) => number;
};
