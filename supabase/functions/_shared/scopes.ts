/**
 * The scopes a tenant API key can carry: the only definition. The CLI, the route
 * declarations and the API reference import it; a test proves the SQL domain
 * (sealog.api_scope) and every scope array literal in the migrations equal to it.
 */
import { z } from "zod";

/**
 * ingest, auth-events and privacy write; read and audit only read, so that a key in an agent
 * process (ingest) reads nothing and a dashboard key (read) writes nothing. The audit trails
 * hold callers' IP addresses and user agents, hence a scope of their own beside read.
 */
export const SCOPES = ["ingest", "auth-events", "privacy", "read", "audit"] as const;

export type Scope = (typeof SCOPES)[number];

/** The scopes a key gets when none are named (`deno task key issue`): the writing ones only. */
export const DEFAULT_KEY_SCOPES: readonly Scope[] = ["ingest", "auth-events", "privacy"];

export const ScopeName = z.enum(SCOPES).meta({ id: "Scope", description: "A key's permission." });
