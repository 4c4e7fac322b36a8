/**
 * The scopes a tenant API key can carry: the only definition. The CLI, the route
 * declarations and the API reference import it; a test proves the SQL domain
 * (sealog.api_scope) and every scope array literal in the migrations equal to it.
 */
import { z } from "zod";

export const SCOPES = ["ingest", "auth-events", "privacy"] as const;

export type Scope = (typeof SCOPES)[number];

export const ScopeName = z.enum(SCOPES).meta({ id: "Scope", description: "A key's permission." });
