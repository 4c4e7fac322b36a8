/**
 * Incoming-webhook URLs: whoever holds one can post into the channel, so the URL is the
 * credential. Slack (https://hooks.slack.com/services/T…/B…/…, and /workflows/ and /triggers/)
 * and Discord (https://discord.com/api/webhooks/<id>/<token>). The finding spans the URL.
 * Slack's documentation example (…/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX) is not one.
 */
import { isAlnum } from "../helpers/chars.ts";
import { looksRandom } from "../helpers/token_quality.ts";
import type { Emit } from "../tags.ts";
import type { Detector } from "./contract.ts";

/** Host and path prefixes, found with indexOf, and the format of the rest of the URL. */
const WEBHOOKS: ReadonlyArray<readonly [string, RegExp]> = [
  [
    "hooks.slack.com/services/",
    /T[A-Z0-9]{8,12}\/B[A-Z0-9]{8,12}\/[A-Za-z0-9]{24}(?![A-Za-z0-9_-])/y,
  ],
  [
    "hooks.slack.com/workflows/",
    /T[A-Z0-9]{8,12}\/A[A-Z0-9]{8,12}\/\d{8,20}\/[A-Za-z0-9]{24,32}(?![A-Za-z0-9_-])/y,
  ],
  ["hooks.slack.com/triggers/", /T[A-Z0-9]{8,12}\/\d{8,20}\/[A-Za-z0-9]{24,32}(?![A-Za-z0-9_-])/y],
  ["discord.com/api/webhooks/", /\d{17,20}\/[A-Za-z0-9_-]{60,72}(?![A-Za-z0-9_-])/y],
  ["discordapp.com/api/webhooks/", /\d{17,20}\/[A-Za-z0-9_-]{60,72}(?![A-Za-z0-9_-])/y],
];

/** Emits SECRET_WEBHOOK_URL for each webhook URL. */
export function detectWebhookUrls(text: string, emit: Emit): void {
  for (const [prefix, rest] of WEBHOOKS) {
    for (let at = text.indexOf(prefix); at !== -1; at = text.indexOf(prefix, at + 1)) {
      rest.lastIndex = at + prefix.length;
      if (!rest.test(text)) continue;
      // The secret is the last path segment; Slack's documentation example is all "X".
      const secret = text.slice(text.lastIndexOf("/", rest.lastIndex) + 1, rest.lastIndex);
      if (!looksRandom(secret)) continue;
      let start = at;
      if (text.startsWith("://", start - 3)) start -= 3;
      while (start > 0 && isAlnum(text.charCodeAt(start - 1)) && at - start < 12) start--; // https
      emit("SECRET_WEBHOOK_URL", start, rest.lastIndex);
    }
  }
}

export const webhookUrlDetector: Detector = {
  tags: ["SECRET_WEBHOOK_URL"],
  detect: detectWebhookUrls,
};
