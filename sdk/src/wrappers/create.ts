/**
 * One wrapped create(): the request goes to the provider SDK as the caller wrote it (or as
 * an opt-in option adjusted it), and its answer, stream or error is watched and recorded
 * once. A failure of Sealog's own goes to the error hook and the call goes ahead.
 */
import { observeResult, observeStream } from "./observe.ts";
import {
  ABORTED,
  CallRecord,
  type Outcome,
  type ProviderRequest,
  type Recorder,
  report,
  sessionOf,
  type WrapOptions,
} from "./options.ts";

export type Create = (body: ProviderRequest, ...rest: unknown[]) => unknown;

/** How one provider API's requests and answers are read. */
export type Api = {
  provider: string;
  /** The request's content to scan: messages, system prompt, input. */
  input(request: ProviderRequest): unknown;
  /** A non-streaming answer. */
  answer(value: unknown): Outcome;
  /** A fresh reader of one stream's events. */
  stream(): { item(value: unknown): void; outcome(): Outcome };
  /** The request actually sent, when an opt-in option changes it. */
  adjust?(request: ProviderRequest): ProviderRequest;
};

/** `create` recording each call through `api`, with the wrapped client's default session. */
export function recordingCreate(
  create: Create,
  api: Api,
  sealog: Recorder,
  options: WrapOptions,
  session: string,
): Create {
  return function (body, ...rest) {
    let call: CallRecord | undefined;
    let request = body;
    report(options, () => {
      const sessionId = sessionOf(options, session, body);
      call = new CallRecord(
        sealog,
        options,
        sessionId,
        api.provider,
        body,
        api.input(body),
      );
      request = api.adjust?.(body) ?? body;
    });
    const result = create(request, ...rest);
    const recorded = call;
    if (!recorded) return result;
    return observeResult(result, recorded, (value) => {
      if (body?.stream !== true) return recorded.finish(api.answer(value));
      const reader = api.stream();
      const signal = (rest[0] as { signal?: AbortSignal } | undefined)?.signal;
      observeStream(value, recorded, {
        item: (event) => reader.item(event),
        // A stream its consumer left or aborted is recorded as aborted, with what it delivered.
        end: ({ error, aborted }) =>
          error !== undefined
            ? recorded.fail(error)
            : recorded.finish({ ...reader.outcome(), ...(aborted ? { errorType: ABORTED } : {}) }),
      }, signal);
    });
  };
}
