/**
 * Azure storage account keys: 64 random bytes in base64 (86 characters and "=="), after
 * "AccountKey=" in a connection string or after a label that names a storage key
 * (AZURE_STORAGE_KEY, storage_account_access_key, "primary_access_key"…). Unlabelled 88-
 * character base64 strings are not reported: signatures and hashes look the same.
 */
import { isAlnum } from "../helpers/chars.ts";
import type { Emit } from "../tags.ts";
import type { Detector } from "./contract.ts";

const KEY = /[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])/y;
/** Labels, matched case-insensitively at "key" or "accountkey"; the gap is quotes, "=", ":". */
const LABEL_BEFORE_KEY =
  /(?:accountkey|storage_?(?:account_?)?(?:access_?)?key|primary_?access_?key|secondary_?access_?key)$/i;
const MAX_GAP = 12;

/** Emits SECRET_AZURE_STORAGE_KEY for each labelled storage key. */
export function detectAzureStorageKeys(text: string, emit: Emit): void {
  for (const word of ["Key", "key", "KEY"]) {
    for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
      const labelEnd = at + 3;
      if (isAlnum(text.charCodeAt(labelEnd)) && text.charCodeAt(labelEnd) !== 95) continue;
      if (!LABEL_BEFORE_KEY.test(text.slice(Math.max(0, labelEnd - 32), labelEnd))) continue;
      let start = labelEnd;
      const gapEnd = Math.min(text.length, start + MAX_GAP);
      while (start < gapEnd && /[\s"'=:>]/.test(text[start]!)) start++;
      KEY.lastIndex = start;
      if (KEY.test(text)) emit("SECRET_AZURE_STORAGE_KEY", start, KEY.lastIndex);
    }
  }
}

export const azureStorageKeyDetector: Detector = {
  tags: ["SECRET_AZURE_STORAGE_KEY"],
  detect: detectAzureStorageKeys,
};
