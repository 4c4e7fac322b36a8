/** Small DOM helpers: elements are built with textContent only, never from HTML strings. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/** A table with a caption; cells are text. */
export function table(caption: string, head: string[], rows: (string | number)[][]): HTMLElement {
  return el(
    "table",
    {},
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))),
    el(
      "tbody",
      {},
      ...rows.map((row) => el("tr", {}, ...row.map((cell) => el("td", {}, String(cell))))),
    ),
  );
}

/** The error banner: plain words, the form left as the user typed it. */
export function showError(message: string): void {
  byId("error").textContent = message;
}

export function clearError(): void {
  byId("error").textContent = "";
}

/**
 * Runs what the user asked for: the banner is cleared first and then shows any failure in plain
 * words (the API's, from api.ts); no field is touched, so nothing typed is lost.
 */
export async function attempt(action: () => Promise<unknown> | unknown): Promise<void> {
  clearError();
  try {
    await action();
  } catch (error) {
    showError(error instanceof Error ? error.message : String(error));
  }
}

export const number = new Intl.NumberFormat("en");
export function usd(micro: number): string {
  return `$${(micro / 1_000_000).toFixed(6)}`;
}
