// Supabase Edge Function entrypoint: the routes are in app.ts.
import { app } from "./app.ts";

Deno.serve(app.fetch);
