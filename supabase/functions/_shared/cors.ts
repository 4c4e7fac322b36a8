/**
 * CORS from an explicit allow-list (SEALOG_ALLOWED_ORIGINS), with credentials and never `*`.
 * A disallowed origin gets no CORS headers at all, and its preflight a 403.
 */
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { config } from "./config.ts";
import type { SealogEnv } from "./context.ts";
import { ApiError } from "./problems.ts";

const allowed = cors({
  origin: (origin) => origin,
  credentials: true,
  allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
  allowHeaders: ["Authorization", "Content-Type", "X-Client-Info", "apikey"],
  exposeHeaders: [
    "X-Request-Id",
    "Retry-After",
    "RateLimit",
    "RateLimit-Policy",
  ],
  maxAge: 600,
});

export const corsPolicy = createMiddleware<SealogEnv>(async (c, next) => {
  const origin = c.req.header("Origin");
  if (origin && config().SEALOG_ALLOWED_ORIGINS.includes(origin)) return allowed(c, next);
  c.header("Vary", "Origin");
  if (origin && c.req.method === "OPTIONS") throw new ApiError("origin_not_allowed");
  await next();
});
