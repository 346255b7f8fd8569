// Tests of templates/react.ts at run time: React 19 and React Testing
// Library in jsdom, with a client the test drives (fake-client.ts). Run by
// the cargo test `emit_ts` (tests/emit_ts/bindings.rs) after tsc compiled
// them. The same hooks against the real client and the example app's
// server: examples/app/tests/browser.rs.

import "./dom.js";

import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";

import { act, cleanup, render } from "@testing-library/react";
import { Component, createElement, type ReactNode } from "react";

import {
  SchemaBridgeProvider,
  useConnectionState,
  useMutation,
  useQuery,
} from "../../../templates/react.js";
import type { SchemaBridgeError } from "../../../templates/client.js";
import { addKarma, FakeClient, getProfile, key, stats } from "./fake-client.js";

afterEach(cleanup);

/** Shows what `useQuery(getProfile, args)` returns. */
function Profile(props: { userId: string | null }): ReactNode {
  const profile = useQuery(getProfile, props.userId === null ? "skip" : { userId: props.userId });
  const text = profile === undefined ? "loading" : profile === null ? "none" : `${profile.name}: ${profile.karma}`;
  return createElement("p", { "data-testid": "profile" }, text);
}

class Boundary extends Component<{ children?: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };
  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }
  override render(): ReactNode {
    const error = this.state.error as SchemaBridgeError | undefined;
    return error === undefined ? this.props.children : createElement("p", { "data-testid": "error" }, `caught ${error.code}`);
  }
}

function mount(fake: FakeClient, element: ReactNode) {
  const wrap = (child: ReactNode) =>
    createElement(SchemaBridgeProvider, { client: fake.client }, createElement(Boundary, null, child));
  const rendered = render(wrap(element));
  return { ...rendered, rerender: (next: ReactNode) => rendered.rerender(wrap(next)) };
}

function text(container: HTMLElement, id: string): string | null {
  return container.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;
}

describe("useQuery", () => {
  it("is undefined while loading, then follows every result", () => {
    const fake = new FakeClient();
    const { container } = mount(fake, createElement(Profile, { userId: "u1" }));
    assert.equal(text(container, "profile"), "loading");
    assert.deepEqual(fake.subscribed, [key("users/getProfile", { userId: "u1" })]);
    act(() => fake.update("users/getProfile", { userId: "u1" }, { name: "Ada", karma: 1n }));
    assert.equal(text(container, "profile"), "Ada: 1");
    act(() => fake.update("users/getProfile", { userId: "u1" }, { name: "Ada", karma: 2n }));
    assert.equal(text(container, "profile"), "Ada: 2");
    act(() => fake.update("users/getProfile", { userId: "u1" }, null));
    assert.equal(text(container, "profile"), "none");
  });

  it("shows a result the client already holds on the first render", () => {
    const fake = new FakeClient();
    fake.update("users/getProfile", { userId: "u1" }, { name: "Ada", karma: 5n });
    const { container } = mount(fake, createElement(Profile, { userId: "u1" }));
    assert.equal(text(container, "profile"), "Ada: 5");
  });

  it("keeps its subscription across renders with equal new argument objects", () => {
    const fake = new FakeClient();
    const { container, rerender } = mount(fake, createElement(Profile, { userId: "u1" }));
    act(() => fake.update("users/getProfile", { userId: "u1" }, { name: "Ada", karma: 1n }));
    for (let i = 0; i < 5; i++) rerender(createElement(Profile, { userId: "u1" }));
    assert.equal(fake.subscribed.length, 1, fake.subscribed.join(", "));
    assert.equal(fake.unsubscribed.length, 0);
    assert.equal(text(container, "profile"), "Ada: 1");
  });

  it("moves to new arguments, and unsubscribes on unmount", () => {
    const fake = new FakeClient();
    const { container, rerender, unmount } = mount(fake, createElement(Profile, { userId: "u1" }));
    act(() => fake.update("users/getProfile", { userId: "u1" }, { name: "Ada", karma: 1n }));
    rerender(createElement(Profile, { userId: "u2" }));
    assert.equal(text(container, "profile"), "loading");
    assert.deepEqual(fake.unsubscribed, [key("users/getProfile", { userId: "u1" })]);
    act(() => fake.update("users/getProfile", { userId: "u2" }, { name: "Grace", karma: 7n }));
    assert.equal(text(container, "profile"), "Grace: 7");
    // The old subscription is gone: its updates reach nobody.
    assert.equal(fake.active("users/getProfile", { userId: "u1" }), 0);
    unmount();
    assert.equal(fake.active("users/getProfile", { userId: "u2" }), 0);
  });

  it("subscribes to nothing with \"skip\"", () => {
    const fake = new FakeClient();
    const { container, rerender } = mount(fake, createElement(Profile, { userId: null }));
    assert.equal(text(container, "profile"), "loading");
    assert.deepEqual(fake.subscribed, []);
    rerender(createElement(Profile, { userId: "u1" }));
    assert.deepEqual(fake.subscribed, [key("users/getProfile", { userId: "u1" })]);
    rerender(createElement(Profile, { userId: null }));
    assert.equal(fake.active("users/getProfile", { userId: "u1" }), 0);
  });

  it("takes no arguments for a function without any", () => {
    const fake = new FakeClient();
    function Stats(): ReactNode {
      const counts = useQuery(stats);
      return createElement("p", { "data-testid": "stats" }, counts === undefined ? "loading" : String(counts["calm"]));
    }
    const { container } = mount(fake, createElement(Stats));
    act(() => fake.update("notes/stats", {}, { calm: 3n }));
    assert.equal(text(container, "stats"), "3");
  });

  it("throws a failed query's SchemaBridgeError to the nearest error boundary", () => {
    const fake = new FakeClient();
    const { container } = mount(fake, createElement(Profile, { userId: "u1" }));
    // React reports errors caught by a boundary on console.error.
    const original = console.error;
    console.error = () => {};
    try {
      act(() => fake.fail("users/getProfile", { userId: "u1" }, "not_found"));
    } finally {
      console.error = original;
    }
    assert.equal(text(container, "error"), "caught not_found");
    assert.equal(fake.active("users/getProfile", { userId: "u1" }), 0, "the failed component unsubscribed");
  });

  it("needs a provider", () => {
    const original = console.error;
    console.error = () => {};
    try {
      assert.throws(() => render(createElement(Profile, { userId: "u1" })), /SchemaBridgeProvider/);
    } finally {
      console.error = original;
    }
  });
});

describe("useMutation", () => {
  it("calls the client's mutation and is the same function on every render", async () => {
    const fake = new FakeClient();
    const seen: unknown[] = [];
    function Button(): ReactNode {
      const add = useMutation(addKarma);
      seen.push(add);
      return null;
    }
    const { rerender } = mount(fake, createElement(Button));
    rerender(createElement(Button));
    assert.ok(seen.length >= 2 && seen.every((f) => f === seen[0]), "a new function per render");
    const add = seen[0] as (args: { userId: string; amount: bigint }) => Promise<string>;
    assert.equal(await add({ userId: "u1", amount: 2n }), "users/addKarma done");
    assert.deepEqual(fake.mutations, [{ path: "users/addKarma", args: { userId: "u1", amount: 2n } }]);
  });
});

describe("useConnectionState", () => {
  it("renders again on each change, not on equal states", () => {
    const fake = new FakeClient();
    let renders = 0;
    function Status(): ReactNode {
      renders++;
      const state = useConnectionState();
      return createElement("p", { "data-testid": "status" }, state.isWebSocketConnected ? "online" : "offline");
    }
    const { container } = mount(fake, createElement(Status));
    assert.equal(text(container, "status"), "offline");
    act(() => fake.setConnection({ isWebSocketConnected: true }));
    assert.equal(text(container, "status"), "online");
    const before = renders;
    act(() => fake.setConnection({}));
    assert.equal(renders, before, "an equal state rendered again");
  });
});
