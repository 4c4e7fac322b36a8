/** The API reference of every function, as written to docs/openapi.json. */
import { buildOpenApi } from "../supabase/functions/_shared/openapi.ts";
import { routes as ingest } from "../supabase/functions/ingest/openapi.ts";
import { routes as authEvents } from "../supabase/functions/auth-events/openapi.ts";
import { routes as deletionRequests } from "../supabase/functions/deletion-requests/openapi.ts";

/** Route docs by function slug; every function of local/functions.ts must appear here. */
export const routeDocs = {
  ingest,
  "auth-events": authEvents,
  "deletion-requests": deletionRequests,
};

export function apiReference(): string {
  return JSON.stringify(buildOpenApi(routeDocs), null, 2) + "\n";
}
