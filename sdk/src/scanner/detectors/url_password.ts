/**
 * Passwords in URLs (RFC 3986 userinfo, "scheme://user:password@host"): database and broker
 * connection strings (postgres://, mysql://, mongodb+srv://, redis://, amqp://) and any other
 * scheme. The finding spans the password only. Placeholders ("<password>", "${DB_PASS}",
 * "****", "password") are not passwords.
 */
import { isAlnum } from "../helpers/chars.ts";
import type { Emit } from "../tags.ts";
import type { Detector } from "./contract.ts";

/** RFC 3986 allows 255 characters and more; real userinfo is shorter. */
const MAX_USERINFO = 256;
const PLACEHOLDER =
  /^(?:\*+|x+|\.+|<[^>]*>|\[[^\]]*\]|\{\{.*\}\}|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%\([a-z_]+\)s|%s|pass(?:word|wd)?|pwd|secret|changeme|your[_-]?pass(?:word)?|\.\.\.|…)$/i;

/** Characters that end userinfo: a path, query, fragment, space, quote or bracket. */
const endsUserinfo = (c: number) =>
  c === 47 || c === 63 || c === 35 || c <= 32 || c === 34 || c === 39 || c === 60 || c === 62 ||
  c === 96 || Number.isNaN(c);

/** Emits SECRET_PASSWORD for each password in a URL. */
export function detectUrlPasswords(text: string, emit: Emit): void {
  for (let at = text.indexOf("://"); at !== -1; at = text.indexOf("://", at + 1)) {
    if (!isAlnum(text.charCodeAt(at - 1))) continue; // a scheme ends just before
    const from = at + 3;
    let colon = -1;
    let end = from;
    while (end - from < MAX_USERINFO) {
      const c = text.charCodeAt(end);
      if (c === 64 || endsUserinfo(c)) break; // @
      if (c === 58 && colon === -1) colon = end;
      end++;
    }
    if (text.charCodeAt(end) !== 64 || colon === -1) continue;
    // The last "@" before the host ends the userinfo (an unencoded "@" in a password).
    let at2 = end;
    for (let i = end + 1; i - from < MAX_USERINFO; i++) {
      const c = text.charCodeAt(i);
      if (endsUserinfo(c) || c === 58) break;
      if (c === 64) at2 = i;
    }
    const password = text.slice(colon + 1, at2);
    if (password.length === 0 || PLACEHOLDER.test(password)) continue;
    if (!isAlnum(text.charCodeAt(at2 + 1)) && text.charCodeAt(at2 + 1) !== 91) continue; // host
    emit("SECRET_PASSWORD", colon + 1, at2);
    at = at2;
  }
}

export const urlPasswordDetector: Detector = {
  tags: ["SECRET_PASSWORD"],
  detect: detectUrlPasswords,
};
