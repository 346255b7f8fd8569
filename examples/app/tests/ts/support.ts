// What the live tests of the example app share: clients with the `ws`
// WebSocket that are closed after each test, and a recorder of what a
// subscription delivers.

import assert from "node:assert/strict";

import WebSocket from "ws";

import {
  SchemaBridgeClient,
  SchemaBridgeError,
  type FunctionReference,
  type SchemaBridgeClientOptions,
} from "./ts/index.js";

const opened: SchemaBridgeClient[] = [];

/** A client of `url` with Node 20's missing WebSocket supplied. */
export function liveClient(url: string, options: SchemaBridgeClientOptions = {}): SchemaBridgeClient {
  const client = new SchemaBridgeClient(url, { WebSocket, ...options });
  opened.push(client);
  return client;
}

/** Closes every client `liveClient` made, so that Node can exit. */
export function closeClients(): void {
  for (const client of opened.splice(0)) client.close();
}

/** Everything one subscription delivered, in order. */
export class Updates<T> {
  readonly values: T[] = [];
  readonly errors: SchemaBridgeError[] = [];
  #changed: (() => void)[] = [];

  get last(): T | undefined {
    return this.values[this.values.length - 1];
  }

  value(value: T): void {
    this.values.push(value);
    this.#wake();
  }

  error(error: SchemaBridgeError): void {
    this.errors.push(error);
    this.#wake();
  }

  /** Waits (up to `timeoutMs`) until `ready` holds, re-checked on every delivery. */
  async until(ready: (updates: this) => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready(this)) {
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`timed out waiting for ${what}; got ${describe(this.values)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#changed.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  #wake(): void {
    for (const wake of this.#changed.splice(0)) wake();
  }
}

/** Subscribes and records: `stop` ends the subscription. */
export function record<Args, Result>(
  client: SchemaBridgeClient,
  ref: FunctionReference<"query", Args, Result>,
  args: NoInfer<Args>,
): { updates: Updates<Result>; stop: () => void } {
  const updates = new Updates<Result>();
  const stop = client.subscribe(
    ref,
    args,
    (value) => updates.value(value),
    (error) => updates.error(error),
  );
  return { updates, stop };
}

/** Polls `ready` every 5 ms for up to `timeoutMs`. */
export async function eventually(ready: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function describe(values: unknown[]): string {
  return JSON.stringify(values, (_, value: unknown) => (typeof value === "bigint" ? `${value}n` : value));
}
