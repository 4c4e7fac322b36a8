// Static files only: no inline script (the modulepreload polyfill is one), so the shipped
// Content-Security-Policy can forbid inline code.
import { defineConfig } from "vite";

export default defineConfig({
  build: { modulePreload: { polyfill: false }, assetsInlineLimit: 0, target: "es2022" },
});
