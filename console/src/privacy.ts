/**
 * Privacy: erase one end user of the tenant (after a confirmation step), list the tenant's
 * deletion requests (GET /deletion-requests, newest first) and show one's status and receipt.
 */
import { getJson, request } from "./api.ts";
import { attempt, byId, el, table } from "./dom.ts";
import { chosenTimeZone, localTime, zoned } from "./time.ts";

/** One request's fields, its times in the chosen zone (named), and its receipt as issued. */
async function lookUp(id: string): Promise<void> {
  const status = await getJson(`/deletion-requests/${encodeURIComponent(id)}`);
  const timeZone = chosenTimeZone();
  byId("deletion-status").replaceChildren(
    table(`Deletion request ${id}`, ["Field", "Value"], [
      ["Status", status.status],
      ...Object.entries(status).filter(([k]) => k !== "status" && k !== "receipt").map(([k, v]) =>
        k.endsWith("_at") && typeof v === "string"
          ? [zoned(k, timeZone), localTime(v, timeZone)]
          : [k, typeof v === "string" ? v : JSON.stringify(v)]
      ),
      [
        "Receipt",
        status.receipt ? JSON.stringify(status.receipt, null, 1) : "not yet: issued once completed",
      ],
    ]),
  );
}

export async function renderPrivacy(): Promise<void> {
  const endUser = el("input", {
    id: "end-user",
    required: "",
    maxlength: "128",
    autocomplete: "off",
  });
  const confirmBox = el("div", { id: "erase-confirm", hidden: "" });
  const form = el(
    "form",
    { id: "erase-form" },
    el("h3", {}, "Erase an end user"),
    el("label", { for: "end-user" }, "End user id (as your agents send it in end_user_id)"),
    endUser,
    el("button", { type: "submit" }, "Erase…"),
    confirmBox,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const id = endUser.value.trim();
    const yes = el("button", { type: "button", id: "erase-yes" }, `Yes, erase ${id}`);
    const no = el("button", { type: "button", id: "erase-no" }, "Cancel");
    confirmBox.replaceChildren(
      el(
        "p",
        { role: "alert" },
        `Erase every record of end user "${id}" from every store? This cannot be undone after the grace period.`,
      ),
      yes,
      no,
    );
    confirmBox.hidden = false;
    yes.focus();
    no.addEventListener("click", () => (confirmBox.hidden = true));
    yes.addEventListener("click", () =>
      void attempt(async () => {
        const response = await request("/deletion-requests", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ subject: { end_user_id: id } }),
        });
        const accepted = await response.json();
        confirmBox.hidden = true;
        await listRequests();
        await lookUp(accepted.request_id);
      }));
  });
  const lookupInput = el("input", { id: "request-id", autocomplete: "off" });
  const lookup = el(
    "form",
    { id: "lookup-form" },
    el("h3", {}, "Deletion request status"),
    el("label", { for: "request-id" }, "Request id"),
    lookupInput,
    el("button", { type: "submit" }, "Look up"),
  );
  lookup.addEventListener("submit", (event) => {
    event.preventDefault();
    void attempt(() => lookUp(lookupInput.value.trim()));
  });
  byId("privacy").replaceChildren(
    el("h2", { id: "privacy-title" }, "Privacy"),
    form,
    lookup,
    el("div", { id: "deletion-requests" }),
    el("div", { id: "deletion-status", "aria-live": "polite" }),
  );
  await listRequests();
}

/** The tenant's deletion requests with their status; each opens its receipt. */
async function listRequests(): Promise<void> {
  const { requests } = await getJson("/deletion-requests");
  const timeZone = chosenTimeZone();
  const rows = requests.map((r: Record<string, string>) => {
    const b = el("button", { type: "button" }, r.request_id!);
    b.addEventListener("click", () => void attempt(() => lookUp(r.request_id!)));
    return el(
      "tr",
      {},
      el("td", {}, b),
      el("td", {}, r.status!),
      el("td", {}, localTime(r.requested_at, timeZone)),
      el("td", {}, r.receipt ? "issued" : "not yet"),
    );
  });
  byId("deletion-requests").replaceChildren(
    el(
      "table",
      {},
      el("caption", {}, `Deletion requests of this tenant (${requests.length}, newest first)`),
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          ...["Request", "Status", zoned("Requested", timeZone), "Receipt"].map((h) =>
            el("th", { scope: "col" }, h)
          ),
        ),
      ),
      el("tbody", {}, ...rows),
    ),
  );
}
