// The example app as a child process of a Node test: started on a loopback
// port, killed with SIGKILL (as a crash would) and started again on the
// same address. examples/app/tests/ts_live.rs passes the binary in
// EXAMPLE_APP and a scratch folder in SCRATCH_DIR.

import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

/** Generous: a debug build starting on a machine busy with other builds. */
const START_TIMEOUT_MS = 60_000;
const LISTENING = "listening on http://";

const running = new Set<ChildProcess>();
// A failing test must not leave a server behind.
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set (run by examples/app/tests/ts_live.rs)`);
  return value;
}

export class App {
  #child: ChildProcess | undefined;
  #output = "";
  readonly #db: string;
  #address = "";

  private constructor(db: string) {
    this.#db = db;
  }

  /** The app on `db` (`sqlite::memory:` or a file), on a free port. */
  static async start(db: string): Promise<App> {
    const app = new App(db);
    await app.#spawn("127.0.0.1:0");
    return app;
  }

  get url(): string {
    return `http://${this.#address}`;
  }

  /** Everything the app printed, for failure messages. */
  get output(): string {
    return this.#output;
  }

  /** SIGKILL: no shutdown code runs. Resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, "exit");
    child.kill("SIGKILL");
    await exited;
    running.delete(child);
  }

  /** Starts the app again on the address it had. */
  async restart(): Promise<void> {
    await this.kill();
    await this.#spawn(this.#address);
  }

  async #spawn(listen: string): Promise<void> {
    const child = spawn(env("EXAMPLE_APP"), ["--db", this.#db, "--listen", listen], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(child);
    this.#child = child;
    child.stderr?.on("data", (chunk: Buffer) => (this.#output += chunk.toString()));
    const lines = createInterface({ input: child.stdout! });
    const address = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the app did not start in time:\n${this.#output}`)), START_TIMEOUT_MS);
      lines.on("line", (line) => {
        this.#output += `${line}\n`;
        const at = line.trim().indexOf(LISTENING);
        if (at === 0) {
          clearTimeout(timer);
          resolve(line.trim().slice(LISTENING.length).replace(/\/$/, ""));
        }
      });
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the app exited (${code ?? signal}) before listening:\n${this.#output}`));
      });
    });
    this.#address = await address;
  }
}
