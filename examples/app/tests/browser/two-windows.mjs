// Drives the example app's page at SCHEMABRIDGE_URL in headless Chromium
// (CHROMIUM: its executable) through playwright-core: two independent
// windows watch the same user; edits made in one appear in the other
// without a reload. Screenshots of both windows go to ARTIFACTS. Run by
// examples/app/tests/browser.rs, which starts the app; exits non-zero with
// the reason when something does not show up in time.

import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { chromium } from "playwright-core";

const base = required("SCHEMABRIDGE_URL");
const executablePath = required("CHROMIUM");
const artifacts = required("ARTIFACTS");
/** How long one expected change may take to show up. */
const WAIT_MS = 15_000;

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const clerkId = `ada-${Date.now()}`;
const url = `${base}/#${clerkId}`;
// --no-sandbox: the tests may run as root, where Chromium's sandbox refuses to start.
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
const problems = [];
try {
  // Two contexts: two windows that share nothing but the server.
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  for (const [name, page] of [["a", a], ["b", b]]) {
    page.on("pageerror", (error) => problems.push(`window ${name}: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`window ${name} console: ${message.text()}`);
    });
  }
  await Promise.all([a.goto(url), b.goto(url)]);
  const card = (page) => page.locator(`li.user[data-clerk-id="${clerkId}"]`);
  for (const page of [a, b]) {
    await step(`the page connects and shows ${clerkId} as missing`, async () => {
      await page.locator('[data-testid="connection"][data-connected="true"]').waitFor({ timeout: WAIT_MS });
      await card(page).and(page.locator('[data-state="missing"]')).waitFor({ timeout: WAIT_MS });
    });
  }
  // A reload would drop this mark: its survival proves the updates came live.
  await b.evaluate(() => {
    window.__notReloaded = true;
  });

  await step("window a creates the user; window b shows it", async () => {
    await a.fill('form.create-user input[name="clerkId"]', clerkId);
    await a.fill('form.create-user input[name="email"]', "ada@example.com");
    await a.click('form.create-user button[type="submit"]');
    await card(b).and(b.locator('[data-state="present"]')).waitFor({ timeout: WAIT_MS });
    await expectText(card(b).locator(".email"), "ada@example.com");
    await expectText(card(b).locator(".karma"), "0");
  });

  await step("window a adds karma twice; window b shows 2", async () => {
    await card(a).locator("button.add-karma").click();
    await expectText(card(a).locator(".karma"), "1");
    await card(a).locator("button.add-karma").click();
    await expectText(card(b).locator(".karma"), "2");
  });

  await step("window b edits the preferences; window a shows them", async () => {
    const form = card(b).locator("form.preferences-form");
    await form.locator('input[name="weekly"]').check();
    await form.locator('input[name="timezone"]').fill("Europe/Paris");
    await form.locator('button[type="submit"]').click();
    await expectText(card(a).locator(".preferences"), "weekly, Europe/Paris");
    // Window a's form follows the stored preferences too.
    await expectValue(card(a).locator('form.preferences-form input[name="timezone"]'), "Europe/Paris");
  });

  await step("window b was never reloaded", async () => {
    const mark = await b.evaluate(() => window.__notReloaded === true);
    if (!mark) throw new Error("window b was reloaded");
  });

  mkdirSync(artifacts, { recursive: true });
  await a.screenshot({ path: join(artifacts, "window-a.png"), fullPage: true });
  await b.screenshot({ path: join(artifacts, "window-b.png"), fullPage: true });
  console.log(`screenshots: ${join(artifacts, "window-a.png")}, ${join(artifacts, "window-b.png")}`);
} catch (error) {
  // What the windows showed when it went wrong helps more than the timeout.
  try {
    mkdirSync(artifacts, { recursive: true });
    for (const [index, context] of browser.contexts().entries()) {
      for (const page of context.pages()) {
        await page.screenshot({ path: join(artifacts, `failure-window-${index}.png`), fullPage: true });
      }
    }
  } catch {
    // The screenshot is a help, the error below is the point.
  }
  console.error(String(error?.stack ?? error));
  if (problems.length > 0) console.error(`the pages reported:\n${problems.join("\n")}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
if (process.exitCode !== 1 && problems.length > 0) {
  console.error(`the pages reported errors:\n${problems.join("\n")}`);
  process.exitCode = 1;
}

async function step(what, body) {
  const started = performance.now();
  try {
    await body();
    console.log(`ok: ${what} (${Math.round(performance.now() - started)} ms)`);
  } catch (error) {
    throw new Error(`${what}: ${error?.message ?? error}`, { cause: error });
  }
}

async function expectText(locator, expected) {
  await poll(async () => (await locator.textContent())?.trim(), expected);
}

async function expectValue(locator, expected) {
  await poll(() => locator.inputValue(), expected);
}

async function poll(read, expected) {
  const deadline = Date.now() + WAIT_MS;
  let last;
  while (Date.now() < deadline) {
    last = await read().catch((error) => `(${error.message})`);
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`expected "${expected}", still "${last}" after ${WAIT_MS} ms`);
}
