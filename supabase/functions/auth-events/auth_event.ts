/**
 * The auth event sent with a tenant key by an identity provider or app backend: the one
 * source of truth for validation, TypeScript types and the API reference. Every text field
 * is a bounded machine code or id, so no field can carry a password, token or message; a
 * user id that is an email address is replaced by its keyed hash before it leaves here.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { findInJson } from "../_shared/content_keys.ts";
import {
  clip,
  type EventRules,
  eventValidator,
  rejectionCodes,
  Rfc3339,
  validateBatch,
} from "../_shared/event_batch.ts";
import { emailPseudonym, isEmailLike } from "../_shared/pseudonym.ts";
import { INVALID_STRING, isCleanText, truncatedText } from "../_shared/strings.ts";

export { MAX_EVENTS_PER_BATCH } from "../_shared/event_batch.ts";

/** Auth events are kept one year; an older one would be purged at once. */
export const AUTH_EVENT_RETENTION_DAYS = 365;

/** A lowercase event type, e.g. login, sso_grant, account_locked (sealog.auth_event_type). */
export const AuthEventType = z.string().regex(
  /^[a-z][a-z0-9_]{0,63}$/,
  "must be a lowercase identifier of at most 64 characters",
).meta({ examples: ["login", "logout", "token_refresh", "sso_grant", "mfa_challenge"] });

/** A lowercase machine code for a method, provider or reason (sealog.auth_identifier). */
export const AuthIdentifier = z.string().regex(
  /^[a-z][a-z0-9_./:-]{0,63}$/,
  "must be a lowercase code of at most 64 characters ([a-z0-9_./:-])",
);

// What PostgreSQL's [[:cntrl:]] refuses in sealog.auth_user_id, so the database never has to.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const EMAIL_IN_TEXT = /[^\s@]+@[^\s@]+\.[^\s@]+/;

export const AuthEvent = z.strictObject({
  event_id: z.uuid().meta({
    description:
      "Idempotency key: with occurred_at, unique per tenant. A resent event (same event_id and occurred_at) is stored once.",
  }),
  type: AuthEventType.meta({
    description:
      "Lowercase identifier of at most 64 characters: login, logout, token_refresh, sso_grant, sso_revoke, password_change, mfa_challenge, account_locked, …",
  }),
  occurred_at: Rfc3339.meta({
    description: "RFC 3339. At most 5 minutes in the future and at most one year old.",
  }),
  outcome: z.enum(["success", "failure"]),
  user_id: z.string()
    .refine(isCleanText, { error: INVALID_STRING, abort: true })
    // An email address may be longer than an id; it is hashed, so only ids are bounded below.
    .refine((value) => value.length >= 1 && value.length <= 320, {
      error: "must be 1 to 128 characters without control characters",
    })
    .nullish()
    .meta({
      maxLength: 128,
      description:
        "The user's id at the identity provider. Personal data, erased by deletion requests. " +
        "An email address (anything containing @) is never stored: Sealog keeps only its " +
        "HMAC-SHA256 with SEALOG_PSEUDONYM_KEY, so attempts on unknown users still correlate.",
    }),
  method: AuthIdentifier.nullish().meta({
    description: "Authentication method, e.g. password, otp, totp, oauth, sso/saml.",
  }),
  provider: AuthIdentifier.nullish().meta({
    description: "Identity provider, e.g. google, okta, azure.",
  }),
  reason: AuthIdentifier.nullish().meta({
    description:
      "Machine code of a failure, e.g. invalid_password, user_not_found, mfa_required. Never free text.",
  }),
  ip: z.string()
    .refine((value) => isIP(value) !== 0 && !value.includes("%"), {
      error: "must be an IP address",
    })
    .nullish()
    .meta({ description: "The end user's IP address. Personal data." }),
  user_agent: truncatedText(256)
    .refine((value) => !EMAIL_IN_TEXT.test(value), {
      error: "must not contain an email address",
    })
    .nullish()
    .meta({
      description: "The end user's User-Agent, truncated to 256 characters. Personal data.",
    }),
}).meta({
  id: "AuthEvent",
  description:
    "One authentication event. Never a password, token, code, raw JWT or email address in clear.",
});

/** The row sent to sealog_api.record_auth_events, with its batch index `i`. */
export type StoredAuthEvent = {
  i: number;
  event_id: string;
  occurred_at: string;
  type: string;
  outcome: "success" | "failure";
  user_id: string | null;
  /** HMAC-SHA256 hex of the normalised address, when user_id was an email address. */
  user_pseudonym: string | null;
  method: string | null;
  provider: string | null;
  reason: string | null;
  ip: string | null;
  user_agent: string | null;
};

/** Keys that name credentials: never accepted, at any depth. Compared like content keys. */
const SECRET_KEYS = new Set([
  "password",
  "passwd",
  "pwd",
  "passphrase",
  "secret",
  "token",
  "jwt",
  "code",
  "otp",
  "totp",
  "pin",
  "apikey",
  "authorization",
  "cookie",
  "credential",
  "credentials",
  "privatekey",
  "recoverycode",
  "claims",
]);
const SECRET_SUFFIXES = ["password", "token", "tokens", "secret", "jwt", "apikey", "credential"];
// A JWT (header.payload of base64url JSON) anywhere in a string value.
const JWT_IN_TEXT = /eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}/;

/** Whether a JSON key names a credential; case- and separator-insensitive. */
export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  return SECRET_KEYS.has(normalized) ||
    SECRET_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

/**
 * Finds a credential anywhere in a parsed JSON value: a key that names one, or a string that
 * holds a JWT. Iterative, like findContentKey; returns what to name in the message, or null.
 */
export function findSecret(value: unknown): string | null {
  return findInJson(
    value,
    (key) => isSecretKey(key) ? `key '${clip(key)}'` : null,
    (text) => JWT_IN_TEXT.test(text) ? "a JWT" : null,
  );
}

const rules: EventRules<typeof AuthEvent, Omit<StoredAuthEvent, "i">> = {
  schema: AuthEvent,
  maxAgeDays: AUTH_EVENT_RETENTION_DAYS,
  fieldCodes: {
    event_id: "invalid_event_id",
    type: "invalid_type",
    occurred_at: "invalid_occurred_at",
    outcome: "invalid_outcome",
    user_id: "invalid_user_id",
    method: "invalid_method",
    provider: "invalid_provider",
    reason: "invalid_reason",
    ip: "invalid_ip",
    user_agent: "invalid_user_agent",
  },
  refuse: (event) => {
    const secret = findSecret(event);
    return secret === null ? null : {
      code: "secret_not_accepted",
      message: `${secret} can carry a credential; passwords, tokens and codes are never accepted`,
    };
  },
  // An email-like user_id is replaced by its pseudonym here, before anything is stored.
  finish: (data) => {
    const userId = data.user_id ?? null;
    const pseudonymised = userId !== null && isEmailLike(userId);
    if (
      userId !== null && !pseudonymised &&
      (Array.from(userId).length > 128 || CONTROL.test(userId))
    ) {
      return {
        code: "invalid_user_id",
        message: "user_id must be 1 to 128 characters without control characters",
      };
    }
    return {
      event: {
        event_id: data.event_id,
        occurred_at: data.occurred_at,
        type: data.type,
        outcome: data.outcome,
        user_id: pseudonymised ? null : userId,
        user_pseudonym: pseudonymised ? emailPseudonym(userId) : null,
        method: data.method ?? null,
        provider: data.provider ?? null,
        reason: data.reason ?? null,
        ip: data.ip ?? null,
        user_agent: data.user_agent ?? null,
      },
    };
  },
};

export const AUTH_EVENT_REJECTION_CODES = rejectionCodes(rules, ["secret_not_accepted"]);

/**
 * Validates one event: content keys, then credentials, then unknown keys, then each field.
 * An email-like user_id is replaced by its pseudonym before anything is stored.
 */
export const validateAuthEvent = eventValidator(rules);

/** Validates every event of a batch; the valid ones come back ready to store, with index `i`. */
export const validateAuthEvents = (events: unknown[], now = Date.now()) =>
  validateBatch(events, validateAuthEvent, now);
