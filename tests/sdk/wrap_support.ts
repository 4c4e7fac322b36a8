/**
 * What the wrapper tests share: a real Sealog client delivering to the ingest test double,
 * and the events it sent.
 */
import { createClient, type SealogClient } from "../../sdk/mod.ts";
import { startFakeIngest } from "./fake_ingest.ts";

export type Sealog = {
  client: SealogClient;
  /** Flushes, then every event the client delivered, in order. */
  events(): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
};

export function startSealog(): Sealog {
  const ingest = startFakeIngest();
  const client = createClient({
    url: ingest.url,
    apiKey: "slg_live_test",
    flushIntervalMs: 10_000,
    warnOnExit: false,
  });
  return {
    client,
    async events() {
      await client.flush();
      return ingest.requests.flatMap((request) => request.events);
    },
    async close() {
      await client.shutdown({ timeoutMs: 1000 });
      await ingest.close();
    },
  };
}

/** Chat-completion messages whose text holds a card number (PII_CREDIT_CARD). */
export const PROMPT = [
  { role: "system", content: "You book trips." },
  { role: "user", content: "Charge card 4532 0151 1283 0366 for the flight." },
];
/** An email address the fake provider answers with (PII_EMAIL). */
export const ANSWER_EMAIL = "ana.lima@mailbox.org";

/** The fields of `event` named in `expected`, for one deepEqual against it. */
export function fieldsOf(event: Record<string, unknown> | undefined, expected: object) {
  return Object.fromEntries(Object.keys(expected).map((key) => [key, event?.[key]]));
}
