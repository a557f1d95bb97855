import { defineConfig } from "@playwright/test";

// Debian's Chromium, never a downloaded browser. The flags keep it from
// reaching out to a network these machines do not have (see TOOLCHAIN notes).
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "./tests",
  // `cargo leptos end-to-end` starts the server; wait until all origins answer.
  globalSetup: "./global-setup.ts",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  // The issuer's dev controls are process-wide state: one test at a time.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  grep: process.env.E2E_GREP ? new RegExp(process.env.E2E_GREP) : undefined,
  // The JSON report is what `make` checks (see check-results.js).
  reporter: [["list"], ["json", { outputFile: "test-results/results.json" }]],
  // The minimal app and its API (app/minimal-app, server/minimal-api),
  // built by `make e2e`; the demo's issuer, started by cargo-leptos, serves
  // them too.
  webServer: [
    {
      command: "target/debug/minimal-app",
      cwd: "..",
      url: "http://localhost:3100/",
      timeout: 60_000,
      reuseExistingServer: !process.env.CI,
    },
    {
      command: "target/debug/minimal-api",
      cwd: "..",
      // 401 without a token: up.
      url: "http://localhost:8100/hello",
      timeout: 60_000,
      reuseExistingServer: !process.env.CI,
    },
  ],
  use: {
    baseURL: process.env.SPA_URL ?? "http://localhost:3000",
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: chromiumArgs,
    },
    trace: "retain-on-failure",
  },
});
