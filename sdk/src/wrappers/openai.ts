/**
 * wrapOpenAI: records every chat.completions.create and responses.create call of an
 * `openai` client, streaming or not. The provider SDK is never imported: the wrapper takes
 * the caller's client and returns a view of it with the same type.
 */
import type { Usage } from "../client/event.ts";
import { type Api, type Create, recordingCreate } from "./create.ts";
import {
  append,
  count,
  fields,
  type Outcome,
  type ProviderRequest,
  type Recorder,
  stringOr,
  type WrapOptions,
} from "./options.ts";
import { withMembers } from "./proxy.ts";

/** wrapOpenAI()'s settings. */
export type OpenAIWrapOptions = WrapOptions & {
  /**
   * Adds `stream_options: { include_usage: true }` to streaming chat completions, so their
   * token counts are recorded. Off by default because it changes your request: the stream
   * then ends with one extra chunk whose `choices` is empty. Without it a streamed chat
   * completion is recorded with 0 tokens.
   */
  includeStreamUsage?: boolean;
};

/**
 * A view of `client` (an `OpenAI` instance) whose chat.completions.create and
 * responses.create record each call in `sealog`. The answer, stream and errors are exactly
 * the provider SDK's.
 */
export function wrapOpenAI<T extends object>(
  client: T,
  sealog: Recorder,
  options: OpenAIWrapOptions = {},
): T {
  const session = `openai-${crypto.randomUUID()}`;
  const c = client as {
    chat?: { completions?: { create?: Create } };
    responses?: { create?: Create };
  };
  const members: Record<string, unknown> = {};
  const completions = c.chat?.completions;
  if (c.chat && completions && typeof completions.create === "function") {
    const api = options.includeStreamUsage ? { ...chat, adjust: askForUsage } : chat;
    const create = recordingCreate(
      completions.create.bind(completions),
      api,
      sealog,
      options,
      session,
    );
    members.chat = withMembers(c.chat, {
      completions: withMembers(completions, { create }),
    });
  }
  const responses = c.responses;
  if (responses && typeof responses.create === "function") {
    const create = recordingCreate(
      responses.create.bind(responses),
      response,
      sealog,
      options,
      session,
    );
    members.responses = withMembers(responses, { create });
  }
  return withMembers(client, members);
}

/** includeStreamUsage: a streaming chat completion asks for its usage in a last chunk. */
function askForUsage(request: ProviderRequest): ProviderRequest {
  const streamOptions = fields(request.stream_options);
  if (request.stream !== true || streamOptions.include_usage !== undefined) {
    return request;
  }
  return {
    ...request,
    stream_options: { ...streamOptions, include_usage: true },
  };
}

/** chat.completions: messages in, choices out; usage on the answer or the last chunk. */
const chat: Api = {
  provider: "openai",
  input: (request) => request.messages,
  answer(value) {
    const completion = fields(value);
    return {
      responseModel: stringOr(completion.model),
      usage: chatUsage(completion.usage),
      output: Array.isArray(completion.choices)
        ? completion.choices.map((choice) => fields(choice).message)
        : undefined,
    };
  },
  stream() {
    const parts = new Map<string, string>();
    let model: string | undefined;
    let usage: Usage | undefined;
    return {
      item(value) {
        const chunk = fields(value);
        model ??= stringOr(chunk.model);
        if (chunk.usage) usage = chatUsage(chunk.usage);
        for (
          const choice of Array.isArray(chunk.choices) ? chunk.choices : []
        ) {
          const { index, delta } = fields(choice);
          const d = fields(delta);
          append(parts, `${index}:content`, d.content);
          append(parts, `${index}:refusal`, d.refusal);
          for (const tool of Array.isArray(d.tool_calls) ? d.tool_calls : []) {
            const t = fields(tool);
            append(
              parts,
              `${index}:tool:${t.index}`,
              fields(t.function).arguments,
            );
          }
        }
      },
      outcome: () => ({
        responseModel: model,
        usage,
        output: [...parts.values()],
      }),
    };
  },
};

/** responses: input and instructions in, output out; a failed response is an error. */
const response: Api = {
  provider: "openai",
  input: (request) => [request.instructions, request.input],
  answer: responseOutcome,
  stream() {
    let final: Outcome | undefined;
    let errorType: string | undefined;
    return {
      item(value) {
        const event = fields(value);
        // response.completed, .failed and .incomplete carry the whole final response.
        if (
          event.type === "response.completed" ||
          event.type === "response.failed" ||
          event.type === "response.incomplete"
        ) {
          final = responseOutcome(event.response);
        } else if (event.type === "error") {
          errorType = stringOr(event.code) ?? "error";
        }
      },
      outcome: () => ({ ...final, ...(errorType ? { errorType } : {}) }),
    };
  },
};

function responseOutcome(value: unknown): Outcome {
  const r = fields(value);
  const u = fields(r.usage);
  return {
    responseModel: stringOr(r.model),
    usage: r.usage
      ? {
        inputTokens: count(u.input_tokens),
        outputTokens: count(u.output_tokens),
        cacheReadInputTokens: count(
          fields(u.input_tokens_details).cached_tokens,
        ),
        reasoningTokens: count(
          fields(u.output_tokens_details).reasoning_tokens,
        ),
      }
      : undefined,
    output: r.output,
    errorType: r.status === "failed"
      ? stringOr(fields(r.error).code) ?? "response_failed"
      : undefined,
  };
}

function chatUsage(value: unknown): Usage | undefined {
  if (!value) return undefined;
  const u = fields(value);
  return {
    inputTokens: count(u.prompt_tokens),
    outputTokens: count(u.completion_tokens),
    cacheReadInputTokens: count(fields(u.prompt_tokens_details).cached_tokens),
    reasoningTokens: count(
      fields(u.completion_tokens_details).reasoning_tokens,
    ),
  };
}
