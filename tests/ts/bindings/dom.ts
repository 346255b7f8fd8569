// A jsdom window as the global environment of the binding tests; imported
// first, before the testing libraries, which read `document` when loaded.

import { JSDOM } from "jsdom";

const { window } = new JSDOM("<!doctype html><html><body></body></html>", { url: "http://localhost/" });
const globals = globalThis as unknown as Record<string, unknown>;
// Not `Event`: Node's own WebSocket (undici) dispatches Node's events and
// refuses jsdom's as foreign.
for (const name of ["window", "document", "navigator", "HTMLElement", "Node", "Element", "MutationObserver"]) {
  // `navigator` is a getter on Node 21+'s globalThis: redefine, not assign.
  Object.defineProperty(globals, name, {
    value: (window as unknown as Record<string, unknown>)[name],
    configurable: true,
    writable: true,
  });
}
// React's act() warns unless the environment says it is a test.
globals["IS_REACT_ACT_ENVIRONMENT"] = true;
