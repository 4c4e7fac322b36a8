/**
 * The NDJSON export of the access log: a pull stream that fetches the next page only when the
 * client has taken the previous one, so memory holds at most one page whatever the range.
 * Pages follow the keyset cursor, which orders every row by (received_at, row id).
 */
import type { DbReply } from "../_shared/db.ts";

type Page = { ndjson?: string; next_cursor?: string };

/** The page's cursor as list_access_log takes it. */
function cursorOf(page: Page): { before_us: string; before_id: string } | undefined {
  if (typeof page.next_cursor !== "string") return undefined;
  const [before_us, before_id] = page.next_cursor.split("_");
  return { before_us: before_us!, before_id: before_id! };
}

/** Streams the first page's entries and every following page's, one JSON line each. */
export function exportAccessLog(
  first: DbReply,
  nextPage: (cursor: { before_us: string; before_id: string }) => Promise<DbReply>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let page = (first.body ?? {}) as Page;
  let sent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent) {
        const cursor = cursorOf(page);
        if (cursor === undefined) return controller.close();
        const reply = await nextPage(cursor);
        // A failed page aborts the stream: a truncated export must never look complete.
        if (reply.status !== 200) return controller.error(new Error(reply.code ?? "failed"));
        page = (reply.body ?? {}) as Page;
      }
      // The database renders each page as NDJSON text: nothing is parsed or rebuilt here.
      if (page.ndjson) controller.enqueue(encoder.encode(page.ndjson + "\n"));
      sent = true;
    },
  }, { highWaterMark: 1 });
}
