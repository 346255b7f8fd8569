// Tests of templates/solid.ts at run time: solid-js's browser build
// (node --conditions=browser) and Solid Testing Library in jsdom, with a
// client the test drives (fake-client.ts). Run by the cargo test `emit_ts`
// (tests/emit_ts/bindings.rs) after tsc compiled them.

import "./dom.js";

import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";

import { cleanup, render } from "@solidjs/testing-library";
import { insert } from "solid-js/web";
import { createComponent, createRoot, createSignal, ErrorBoundary, type JSX } from "solid-js";

import {
  createConnectionState,
  createMutation,
  createQuery,
  SchemaBridgeProvider,
} from "../../../templates/solid.js";
import type { SchemaBridgeError } from "../../../templates/client.js";
import { addKarma, FakeClient, getProfile, key, stats } from "./fake-client.js";

afterEach(cleanup);

/** Runs `body` inside a provider for `fake`, in a root the test disposes of. */
function within<T>(fake: FakeClient, body: () => T): { value: T; dispose: () => void } {
  let value: T | undefined;
  let dispose = () => {};
  createRoot((end) => {
    dispose = end;
    createComponent(SchemaBridgeProvider, {
      client: fake.client,
      get children() {
        value = body();
        return undefined;
      },
    });
  });
  return { value: value as T, dispose };
}

describe("createQuery", () => {
  it("is undefined while loading, then follows every result", () => {
    const fake = new FakeClient();
    const { value: profile } = within(fake, () => createQuery(getProfile, () => ({ userId: "u1" })));
    assert.equal(profile(), undefined);
    fake.update("users/getProfile", { userId: "u1" }, { name: "Ada", karma: 1n });
    assert.deepEqual(profile(), { name: "Ada", karma: 1n });
    fake.update("users/getProfile", { userId: "u1" }, null);
    assert.equal(profile(), null);
  });

  it("reads a result the client already holds at once", () => {
    const fake = new FakeClient();
    fake.update("users/getProfile", { userId: "u1" }, { name: "Ada", karma: 5n });
    const { value: profile } = within(fake, () => createQuery(getProfile, () => ({ userId: "u1" })));
    assert.deepEqual(profile(), { name: "Ada", karma: 5n });
  });

  it("follows its arguments by value: equal objects keep the subscription, new ones move it", () => {
    const fake = new FakeClient();
    const { value, dispose } = within(fake, () => {
      const [user, setUser] = createSignal<string | null>("u1");
      const [tick, bump] = createSignal(0);
      const profile = createQuery(getProfile, () => {
        // Read, so that a bump makes a new but equal argument object.
        tick();
        const id = user();
        return id === null ? "skip" : { userId: id };
      });
      return { profile, setUser, bump };
    });
    fake.update("users/getProfile", { userId: "u1" }, { name: "Ada", karma: 1n });
    value.bump(1);
    value.bump(2);
    assert.equal(fake.subscribed.length, 1, fake.subscribed.join(", "));
    value.setUser("u2");
    assert.equal(value.profile(), undefined);
    assert.deepEqual(fake.subscribed, [key("users/getProfile", { userId: "u1" }), key("users/getProfile", { userId: "u2" })]);
    assert.equal(fake.active("users/getProfile", { userId: "u1" }), 0);
    fake.update("users/getProfile", { userId: "u2" }, { name: "Grace", karma: 7n });
    assert.deepEqual(value.profile(), { name: "Grace", karma: 7n });
    value.setUser(null);
    assert.equal(value.profile(), undefined);
    assert.equal(fake.active("users/getProfile", { userId: "u2" }), 0);
    value.setUser("u2");
    // Held by the client: there at once.
    assert.deepEqual(value.profile(), { name: "Grace", karma: 7n });
    dispose();
    assert.equal(fake.active("users/getProfile", { userId: "u2" }), 0, "the owner's end unsubscribes");
  });

  it("takes no arguments for a function without any", () => {
    const fake = new FakeClient();
    const { value: counts } = within(fake, () => createQuery(stats));
    fake.update("notes/stats", {}, { calm: 3n });
    assert.deepEqual(counts(), { calm: 3n });
  });

  it("throws a failed query's SchemaBridgeError to the nearest ErrorBoundary", () => {
    const fake = new FakeClient();
    function Profile(): JSX.Element {
      const profile = createQuery(getProfile, () => ({ userId: "u1" }));
      // What `<p>{…}</p>` compiles to: an insert owned by this component.
      const p = document.createElement("p");
      insert(p, () => (profile() === undefined ? "loading" : "loaded"));
      return p;
    }
    const { container } = render(() =>
      createComponent(SchemaBridgeProvider, {
        client: fake.client,
        get children() {
          return createComponent(ErrorBoundary, {
            fallback: (error: SchemaBridgeError) => `caught ${error.code}`,
            get children() {
              return createComponent(Profile, {});
            },
          });
        },
      }),
    );
    assert.equal(container.textContent, "loading");
    fake.fail("users/getProfile", { userId: "u1" }, "not_found");
    assert.equal(container.textContent, "caught not_found");
  });

  it("needs a provider", () => {
    createRoot((dispose) => {
      assert.throws(() => createQuery(getProfile, () => ({ userId: "u1" })), /SchemaBridgeProvider/);
      dispose();
    });
  });
});

describe("createMutation", () => {
  it("calls the client's mutation", async () => {
    const fake = new FakeClient();
    const { value: add } = within(fake, () => createMutation(addKarma));
    assert.equal(await add({ userId: "u1", amount: 2n }), "users/addKarma done");
    assert.deepEqual(fake.mutations, [{ path: "users/addKarma", args: { userId: "u1", amount: 2n } }]);
  });
});

describe("createConnectionState", () => {
  it("follows the client's connection", () => {
    const fake = new FakeClient();
    const { value: state, dispose } = within(fake, () => createConnectionState());
    assert.equal(state().isWebSocketConnected, false);
    fake.setConnection({ isWebSocketConnected: true, connectionRetries: 2 });
    assert.equal(state().isWebSocketConnected, true);
    assert.equal(state().connectionRetries, 2);
    dispose();
  });
});
