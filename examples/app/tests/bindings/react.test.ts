// The generated React bindings with the real client against the real
// example app (SCHEMABRIDGE_URL), in jsdom: run by
// examples/app/tests/bindings_live.rs.

import "./dom.js";

import assert from "node:assert/strict";
import { after, describe, it } from "node:test";

import { act, cleanup, render } from "@testing-library/react";
import { createElement, type ReactNode } from "react";
import WebSocket from "ws";

import { api, SchemaBridgeClient, type Id } from "./ts/index.js";
import { SchemaBridgeProvider, useConnectionState, useMutation, useQuery } from "./ts/react.js";

const url = process.env["SCHEMABRIDGE_URL"] ?? "";
assert.ok(url !== "", "SCHEMABRIDGE_URL is set");

const clients: SchemaBridgeClient[] = [];
function client(): SchemaBridgeClient {
  const made = new SchemaBridgeClient(url, { WebSocket });
  clients.push(made);
  return made;
}
after(() => {
  cleanup();
  for (const made of clients) made.close();
});

/** Waits until `check` passes, flushing React's updates meanwhile. */
async function eventually(check: () => void, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String(error)}`);
    }
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
  }
}

let adder: ((args: { userId: Id<"users">; amount: bigint }) => Promise<bigint>) | undefined;

function Karma(props: { userId: Id<"users">; testId: string }): ReactNode {
  const user = useQuery(api.users.getProfile, { userId: props.userId });
  const add = useMutation(api.users.addKarma);
  adder ??= add;
  const connected = useConnectionState().isWebSocketConnected;
  const text = user === undefined ? "loading" : user === null ? "none" : String(user.karma);
  return createElement("p", { "data-testid": props.testId, "data-connected": String(connected) }, text);
}

function shown(container: HTMLElement, testId: string): string | null | undefined {
  return container.querySelector(`[data-testid="${testId}"]`)?.textContent;
}

describe("React bindings on the example app", () => {
  it("follow a user's karma in two clients; a mutation resolves after its own update is shown", async () => {
    const setup = client();
    const userId = await setup.mutation(api.users.create, { clerkId: `react-${Date.now()}`, email: "r@example.com" });
    const first = client();
    const second = client();
    const { container } = render(
      createElement(
        "div",
        null,
        createElement(SchemaBridgeProvider, { client: first }, createElement(Karma, { userId, testId: "first" })),
        createElement(SchemaBridgeProvider, { client: second }, createElement(Karma, { userId, testId: "second" })),
      ),
    );
    assert.equal(shown(container, "first"), "loading");
    await eventually(() => assert.equal(shown(container, "first"), "0"), "the first result");
    await eventually(() => assert.equal(shown(container, "second"), "0"), "the second client's result");
    const connected = container.querySelector('[data-testid="first"]')?.getAttribute("data-connected");
    assert.equal(connected, "true");

    // Read your writes through the hooks: once the mutation resolved (and
    // React rendered what the client delivered), the new karma is on screen.
    let total: bigint | undefined;
    await act(async () => {
      total = await adder!({ userId, amount: 5n });
    });
    assert.equal(total, 5n);
    assert.equal(shown(container, "first"), "5");
    // The other client hears of it too, without asking.
    await eventually(() => assert.equal(shown(container, "second"), "5"), "the other client's update");
  });
});
