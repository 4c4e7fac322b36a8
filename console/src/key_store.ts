/**
 * The signed-in key: in memory for the tab, in sessionStorage only when the user asks for it.
 * Never localStorage, a cookie or a URL; signing out clears both.
 */
const SLOT = "sealog.key";
let current: string | null = null;

export function rememberedKey(): string | null {
  current ??= sessionStorage.getItem(SLOT);
  return current;
}

export function keepKey(key: string, inSessionStorage: boolean): void {
  current = key;
  if (inSessionStorage) sessionStorage.setItem(SLOT, key);
  else sessionStorage.removeItem(SLOT);
}

export function forgetKey(): void {
  current = null;
  sessionStorage.removeItem(SLOT);
}
