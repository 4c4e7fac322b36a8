/** What the pipeline keeps about a request while it is handled (hono context variables). */
export type Credential = {
  /** SHA-256 of the bearer token, hex. The token itself goes no further than auth.ts. */
  keyDigest: string;
  /** Set when the token matched SEALOG_TENANT_TOKEN_MAP. */
  staticTenantId: string | null;
};

/**
 * A request that failed validation: the operation's database function answers it with
 * `status` and `code` once the caller is authenticated and authorised; `details` (never sent
 * to the database) go only into that answer.
 */
export type ValidationFailure = {
  status: number;
  code: string;
  details: Record<string, unknown>;
};

export type SealogEnv = {
  Variables: {
    requestId: string;
    startedAt: number;
    credential: Credential | undefined;
    /** A Supabase Auth user verified from their own access token. */
    userId: string | undefined;
    /** The request's validation failure, if any (see routes.ts). */
    validationFailure: ValidationFailure | undefined;
    /** Stable code of the problem answered, for the access log. */
    errorCode: string | undefined;
    /** True once a sealog_api function has written this request's access-log row. */
    accessLogged: boolean;
    /** True when the database could not be reached, so no log row can be written. */
    databaseDown: boolean;
  };
};
