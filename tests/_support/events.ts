/** Valid telemetry events for tests; override any field. */
export function telemetryEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: crypto.randomUUID(),
    session_id: "session-1",
    occurred_at: new Date().toISOString(),
    model: "gpt-4o-mini",
    provider: "openai",
    input_tokens: 100,
    output_tokens: 20,
    ...overrides,
  };
}

/** Valid auth events (POST /auth-events with a key); override any field. */
export function authEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: crypto.randomUUID(),
    type: "login",
    occurred_at: new Date().toISOString(),
    outcome: "success",
    user_id: `user-${crypto.randomUUID()}`,
    method: "password",
    provider: "okta",
    ...overrides,
  };
}
