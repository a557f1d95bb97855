// Browser figures for `make bench` (no assertions): the release build in
// Debian's Chromium, median of 10 each.
//   login:  the click event on "Log in" (session and consent already at the issuer) →
//           validated tokens in memory → API data on screen
//   silent: iframe start → new validated tokens in memory
//   sizes:  the wasm and JS that `/` and `/callback` download (gzip -9 of
//           the files served), next to all the app's wasm and JS
// Usage: node end2end/bench/spa.js  (after `cargo leptos build --release`)
const { chromium } = require("@playwright/test");
const { spawn } = require("child_process");
const path = require("path");
const fs = require("fs");
const zlib = require("zlib");

const ROOT = path.resolve(__dirname, "..", "..");
const SPA = "http://localhost:3000";
const ISSUER = "http://127.0.0.1:9000";
const RUNS = 10;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (xs) => `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`;

async function waitFor(url) {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer`);
}

const PKG = path.join(ROOT, "target", "site", "pkg");
const gzipSize = (file) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;

/** The app's wasm and JS files a fresh tab fetches to show `url` ready. */
async function downloads(browser, url, ready) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const files = new Set();
  page.on("response", (response) => {
    const { origin, pathname } = new URL(response.url());
    if (origin === SPA && pathname.startsWith("/pkg/") && /\.(wasm|js)$/.test(pathname)) files.add(path.basename(pathname));
  });
  await page.goto(url);
  await page.getByTestId(ready).waitFor();
  await page.waitForLoadState("networkidle");
  await context.close();
  const bytes = [...files].reduce((sum, file) => sum + gzipSize(path.join(PKG, file)), 0);
  return { files: [...files].sort(), bytes };
}

async function main() {
  const server = spawn(path.join(ROOT, "target", "release", "server"), [], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      RUST_LOG: "warn",
      LEPTOS_OUTPUT_NAME: "implicit",
      LEPTOS_SITE_ROOT: "target/site",
      LEPTOS_SITE_PKG_DIR: "pkg",
      LEPTOS_SITE_ADDR: "127.0.0.1:3000",
      LEPTOS_RELOAD_PORT: "3001",
    },
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    await Promise.all([waitFor(SPA), waitFor(`${ISSUER}/health`), waitFor("http://localhost:8000/health")]);
    await fetch(`${ISSUER}/dev/reset`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const all = fs.readdirSync(PKG).filter((f) => /\.(wasm|js)$/.test(f));
    const allBytes = all.reduce((sum, file) => sum + gzipSize(path.join(PKG, file)), 0);
    // A callback with no response: the page runs the client's checks (the
    // first refuses it) with nothing more downloaded than a real one needs.
    const sizes = [
      ["/", await downloads(browser, SPA, "session-status")],
      ["/callback", await downloads(browser, `${SPA}/callback`, "callback-refused")],
    ];
    const page = await browser.newPage();
    // The clock starts at the click event itself (Playwright's own checks
    // before it clicks are not the app's time); the page then navigates
    // away, so the time is kept in this origin's sessionStorage.
    await page.addInitScript(() => {
      addEventListener("click", (event) => {
        if (event.target instanceof Element && event.target.closest("button")?.textContent === "Log in") {
          sessionStorage.setItem("bench.click", String(performance.timeOrigin + event.timeStamp));
        }
      }, true);
    });
    const nav = (name) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true }).click();

    // First login, with consent, so the SSO session and the consent exist.
    await page.goto(SPA);
    await page.getByTestId("session-status").waitFor();
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByLabel("Username").fill("alice");
    await page.getByLabel("Password").fill("wonderland");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByTestId("user-name").waitFor();

    const toTokens = [];
    const toApi = [];
    for (let i = 0; i < RUNS; i++) {
      await nav("Home");
      await page.getByRole("button", { name: "Forget tokens" }).click();
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForFunction(() => performance.getEntriesByName("implicit:tokens-validated").length > 0, null, { polling: "raf" });
      const start = await page.evaluate(() => {
        const at = Number(sessionStorage.getItem("bench.click"));
        sessionStorage.removeItem("bench.click");
        return at;
      });
      if (!start) throw new Error("the click on Log in was not recorded");
      const tokens = await page.evaluate(() => performance.timeOrigin + performance.getEntriesByName("implicit:tokens-validated")[0].startTime);
      await nav("API");
      await page.getByRole("button", { name: "GET /api/private", exact: true }).click();
      await page.waitForFunction(() => document.querySelector('[data-testid="api-status"]')?.textContent === "200", null, { polling: "raf" });
      const data = await page.evaluate(() => performance.timeOrigin + performance.now());
      toTokens.push(tokens - start);
      toApi.push(data - start);
      await page.evaluate(() => document.querySelector('[data-testid="api-result"]')?.remove());
    }

    await nav("Session");
    const silent = [];
    for (let i = 0; i < RUNS; i++) {
      const before = await page.evaluate(() => performance.getEntriesByName("implicit:tokens-validated").length);
      await page.getByRole("button", { name: "Renew now" }).click();
      await page.waitForFunction((n) => performance.getEntriesByName("implicit:tokens-validated").length > n, before, { polling: "raf" });
      silent.push(await page.evaluate(() => {
        const start = performance.getEntriesByName("implicit:silent-start").at(-1).startTime;
        const done = performance.getEntriesByName("implicit:tokens-validated").at(-1).startTime;
        return done - start;
      }));
    }
    for (const [route, { files, bytes }] of sizes) {
      console.log(`${route.padEnd(9)} downloads ${bytes} B gzip of wasm + JS (${files.length} files: ${files.join(", ")})`);
    }
    console.log(`all the app's wasm + JS: ${allBytes} B gzip (${all.length} files)`);
    console.log(`SPA login, click → validated tokens in memory: ${fmt(toTokens)}   (oidc-client-js ≈ 85 ms; target ≤ 170 ms)`);
    console.log(`SPA login, click → API data on screen:         ${fmt(toApi)}`);
    console.log(`silent renewal, iframe start → new tokens:    ${fmt(silent)}   (oidc-client-js ≈ 50 ms; target ≤ 50 ms)`);
  } finally {
    await browser.close();
    server.kill("SIGINT");
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
