/**
 * wrapAnthropic: records every messages.create call of an `@anthropic-ai/sdk` client,
 * streaming or not. The provider SDK is never imported: the wrapper takes the caller's
 * client and returns a view of it with the same type.
 */
import type { Usage } from "../client/event.ts";
import { type Api, type Create, recordingCreate } from "./create.ts";
import { append, count, fields, type Recorder, stringOr, type WrapOptions } from "./options.ts";
import { withMembers } from "./proxy.ts";

/**
 * A view of `client` (an `Anthropic` instance) whose messages.create records each call in
 * `sealog`. The answer, stream and errors are exactly the provider SDK's.
 */
export function wrapAnthropic<T extends object>(
  client: T,
  sealog: Recorder,
  options: WrapOptions = {},
): T {
  const messages = (client as { messages?: { create?: Create } }).messages;
  if (!messages || typeof messages.create !== "function") {
    return withMembers(client, {});
  }
  const session = `anthropic-${crypto.randomUUID()}`;
  const create = recordingCreate(
    messages.create.bind(messages),
    api,
    sealog,
    options,
    session,
  );
  return withMembers(client, { messages: withMembers(messages, { create }) });
}

/** messages: system and messages in, content blocks out; usage on the message or its events. */
const api: Api = {
  provider: "anthropic",
  input: (request) => [request.system, request.messages],
  answer(value) {
    const message = fields(value);
    return {
      responseModel: stringOr(message.model),
      usage: message.usage ? usageOf(fields(message.usage)) : undefined,
      output: message.content,
    };
  },
  stream() {
    const parts = new Map<string, string>();
    let model: string | undefined;
    // message_start carries the input counts; message_delta the cumulative output (and, in
    // newer API versions, input) counts.
    let counts: Record<string, unknown> = {};
    return {
      item(value) {
        const event = fields(value);
        if (event.type === "message_start") {
          const message = fields(event.message);
          model = stringOr(message.model);
          counts = { ...fields(message.usage) };
        } else if (event.type === "message_delta") {
          for (const [key, n] of Object.entries(fields(event.usage))) {
            if (n !== null && n !== undefined) counts[key] = n;
          }
        } else if (event.type === "content_block_delta") {
          const delta = fields(event.delta);
          const key = `${event.index}`;
          append(
            parts,
            key,
            delta.text ?? delta.partial_json ?? delta.thinking,
          );
        }
      },
      outcome: () => ({
        responseModel: model,
        usage: Object.keys(counts).length > 0 ? usageOf(counts) : undefined,
        output: [...parts.values()],
      }),
    };
  },
};

/** Anthropic's input_tokens leaves out cached input; gen_ai.usage.input_tokens includes it. */
function usageOf(u: Record<string, unknown>): Usage {
  const cacheRead = count(u.cache_read_input_tokens);
  const cacheCreation = count(u.cache_creation_input_tokens);
  return {
    inputTokens: (count(u.input_tokens) ?? 0) + (cacheRead ?? 0) +
      (cacheCreation ?? 0),
    outputTokens: count(u.output_tokens),
    cacheReadInputTokens: cacheRead,
    cacheCreationInputTokens: cacheCreation,
  };
}
