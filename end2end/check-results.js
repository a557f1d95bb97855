// cargo-leptos 0.3.11's `end-to-end` exits 0 when the build fails or the
// server stops before the tests finish, so `make` checks what Playwright
// actually recorded: at least one test ran, none failed.
const fs = require("fs");

const file = process.argv[2] ?? `${__dirname}/test-results/results.json`;
let report;
try {
  report = JSON.parse(fs.readFileSync(file, "utf8"));
} catch (error) {
  console.error(`no Playwright results in ${file}: the suite did not run (${error.message})`);
  process.exit(1);
}
const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats ?? {};
const passed = expected + flaky;
console.log(`${passed} passed, ${unexpected} failed, ${skipped} skipped`);
if (unexpected > 0 || passed === 0 || (report.errors ?? []).length > 0) {
  for (const error of report.errors ?? []) console.error(error.message ?? error);
  process.exit(1);
}
