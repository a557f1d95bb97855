import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "../fixtures";
import { API, ISSUER, SPA } from "../origins";
import { faultCatalogue, faultName, firstLogin, hangFirst, openPage, resetIssuer, waitForHydration } from "../helpers";

// The failure playground drives the demo issuer's dev controls from the
// SPA: what it arms must be what the issuer holds, and the client must
// then refuse what the issuer sends.

test.beforeEach(async ({ request }) => {
  await resetIssuer(request);
});

async function armedAtIssuer(request: APIRequestContext): Promise<unknown[]> {
  const response = await request.get(`${ISSUER}/dev/faults`);
  expect(response.ok()).toBeTruthy();
  return (await response.json()).armed;
}

test("the playground lists the issuer's whole catalogue, and a fault armed there is refused by the check it names", async ({
  page,
  request,
}) => {
  const catalogue = await faultCatalogue(request);
  await firstLogin(page);
  await page.getByRole("button", { name: "Forget tokens" }).click();
  await openPage(page, "Playground");

  const rows = page.getByTestId("fault");
  await expect(rows).toHaveCount(catalogue.length);
  for (const info of catalogue) {
    const name = faultName(info);
    const row = page.locator(`[data-testid="fault"][data-fault="${name}"]`);
    await expect(row).toContainText(info.description);
    await expect(row.getByRole("link", { name: info.spec })).toHaveAttribute("href", info.spec_url);
    if (info.caught_by) await expect(row.getByTestId("caught-by")).toContainText(info.caught_by.label);
    if (info.conformance_test) await expect(row.getByTestId("conformance-test")).toHaveText(`OpenID RP test: ${info.conformance_test}`);
    await expect(row.getByTestId("must-accept")).toHaveCount(info.expected === "accepted" ? 1 : 0);
  }
  await expect(page.getByTestId("armed-faults")).toContainText("Nothing armed");

  await page.getByRole("button", { name: "Arm wrong_nonce" }).click();
  await expect(page.getByTestId("armed-faults")).toContainText("wrong_nonce × 1");
  expect(await armedAtIssuer(request)).toEqual([{ fault: { tamper: "wrong_nonce" }, count: 1, prompt_none_only: false }]);
  await expect(page.getByTestId("event-log")).toContainText(
    'Dev controls: the issuer will tamper with the next authorization response that has an ID token (wrong_nonce); "nonce matches" must refuse it',
  );

  const apiCalls: string[] = [];
  page.on("request", (r) => {
    if (r.url().startsWith(API)) apiCalls.push(r.url());
  });
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("callback-refused")).toBeVisible();
  await expect(page.getByTestId("refusal-reason")).toContainText("nonce matches");
  expect(apiCalls).toEqual([]);

  // The issuer used the fault up, and the playground says so when it is back.
  await openPage(page, "Playground");
  await expect(page.getByTestId("armed-faults")).toContainText("Nothing armed");
  expect(await armedAtIssuer(request)).toEqual([]);

  // The issuer's side of the same request, paired with the app's by tx.
  const failed = page.getByTestId("event-log").getByRole("listitem").filter({ hasText: "id_token: nonce matches FAILED" });
  const tx = ((await failed.getByTestId("event-flow").locator("code").textContent()) ?? "").trim();
  expect(tx).toMatch(/^[0-9a-f]{8}$/);
  const decisions = page.getByTestId("issuer-decisions");
  const injected = decisions.locator('li[data-type="fault_injected"]');
  await expect(injected).toHaveCount(1);
  await expect(injected).toContainText("wrong_nonce");
  await expect(injected.getByTestId("decision-tx")).toHaveText(`issuer ${tx}`);
  await expect(injected.getByTestId("decision-tx")).toHaveAccessibleDescription(/follows its request/);
  await expect(injected.getByRole("link", { name: /OIDC Core §3\.2\.2\.11/ })).toBeVisible();
  // The broken tokens read as refused, to the eye and to a screen reader.
  const issued = decisions.locator('li[data-type="tokens_issued"]').filter({ hasText: tx });
  await expect(issued).toHaveCount(1);
  await expect(issued).toHaveClass(/failed/);
  await expect(issued).toContainText("refused: Issued id_token token to demo-spa");
  await expect(issued).toContainText("broken on purpose (wrong_nonce)");

  // Following that request: both lists keep only its steps, until let go.
  const steps = page.getByTestId("event-log").getByRole("listitem");
  await failed.getByTestId("event-flow").click();
  await expect(failed.getByTestId("event-flow")).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("event-log-focus")).toContainText(tx);
  await expect(steps.filter({ hasNotText: tx })).toHaveCount(0);
  expect(await steps.count()).toBeGreaterThan(5);
  await expect(decisions.getByRole("listitem").filter({ hasNotText: tx })).toHaveCount(0);
  await expect(decisions.getByRole("listitem")).not.toHaveCount(0);
  await expect(page.getByTestId("decisions-focus")).toContainText(tx);
  await page.getByRole("button", { name: "Show every event" }).click();
  await expect(page.getByTestId("event-log-focus")).toHaveCount(0);
  await expect(page.getByTestId("decisions-focus")).toHaveCount(0);
  // The button went away with the filter; its focus went to the log's heading.
  await expect(page.getByRole("heading", { name: "Event log" })).toBeFocused();
  await expect(steps.filter({ hasNotText: tx })).not.toHaveCount(0);
  await expect(decisions.getByRole("listitem").filter({ hasNotText: tx })).not.toHaveCount(0);

  // A tag among the issuer's decisions follows the same request; pressed
  // again, it lets go. Clearing the log lets go too.
  const tag = injected.getByTestId("decision-tx");
  await tag.click();
  await expect(tag).toHaveAttribute("aria-pressed", "true");
  await expect(steps.filter({ hasNotText: tx })).toHaveCount(0);
  await tag.click();
  await expect(tag).toHaveAttribute("aria-pressed", "false");
  await expect(page.getByTestId("event-log-focus")).toHaveCount(0);
  await tag.click();
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page.getByTestId("event-log-focus")).toHaveCount(0);
  await expect(tag).toHaveAttribute("aria-pressed", "false");
});

test("a fault armed for silent renewals only spares the login and ends the next renewal", async ({ page, request }) => {
  await firstLogin(page);
  await openPage(page, "Playground");
  // The provider's cookie reaches the iframe (a renewal works): a
  // login_required there then ends the session.
  await page.getByRole("button", { name: "Renew now" }).click();
  await expect(page.getByTestId("event-log")).toContainText("Silent authentication succeeded");
  await page.getByRole("radio", { name: "The next silent renewal only" }).check();
  await page.getByRole("button", { name: "Arm login_required" }).click();
  await expect(page.getByTestId("armed-faults")).toContainText("login_required × 1, silent renewals only");
  expect(await armedAtIssuer(request)).toEqual([{ fault: { error: "login_required" }, count: 1, prompt_none_only: true }]);

  // An interactive login (session and consent in place, so no page) passes it by.
  await page.getByRole("button", { name: "Forget tokens" }).click();
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("user-name")).toBeVisible();
  expect(await armedAtIssuer(request)).toHaveLength(1);

  await page.getByRole("button", { name: "Renew now" }).click();
  await expect(page.getByTestId("session-ended")).toBeVisible();
  // The page keeps reading the issuer: its refusal shows up without a
  // reload, and so does the fault being used up.
  await expect(page.getByTestId("issuer-decisions").locator('li[data-type="fault_injected"]')).toContainText("login_required");
  await expect(page.getByTestId("armed-faults")).toContainText("Nothing armed");
  await expect(page.getByTestId("event-log")).toContainText("login_required");
  expect(await armedAtIssuer(request)).toEqual([]);
});

test("disarm all clears the issuer's armed faults", async ({ page, request }) => {
  await page.goto("/playground");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Arm wrong_iss" }).click();
  await page.getByRole("button", { name: "Arm server_error" }).click();
  await expect(page.getByTestId("armed-faults").getByRole("listitem")).toHaveCount(2);
  expect(await armedAtIssuer(request)).toHaveLength(2);

  await page.getByRole("button", { name: "Disarm all" }).click();
  await expect(page.getByTestId("armed-faults")).toContainText("Nothing armed");
  expect(await armedAtIssuer(request)).toEqual([]);
  await expect(page.getByTestId("event-log")).toContainText("Dev controls: every fault disarmed");
});

test("a spec link from the issuer is shown only when it is http or https", async ({ page }) => {
  const hostile = ["javascript:alert(document.domain)", " JAVA\tSCRIPT:alert(1)", "data:text/html,<script>alert(1)</script>"];
  await page.route(`${ISSUER}/dev/faults`, async (route) => {
    if (route.request().method() !== "GET") return route.fallback();
    const response = await route.fetch();
    const body = await response.json();
    hostile.forEach((url, i) => (body.catalogue[i].spec_url = url));
    await route.fulfill({ response, json: body });
  });
  await page.goto("/playground");
  await waitForHydration(page);
  const faults = page.getByTestId("fault");
  await expect(faults.first()).toBeVisible();
  for (let i = 0; i < hostile.length; i++) {
    // The citation stays, as text.
    await expect(faults.nth(i).locator(".hint").last()).not.toHaveText("");
    await expect(faults.nth(i).locator("a")).toHaveCount(0);
  }
  const links = await faults.locator("a").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).protocol));
  expect(links.length).toBeGreaterThan(0);
  expect(new Set(links)).toEqual(new Set(["https:"]));
});

test("the issuer's refusal to arm a fault is shown as it gave it", async ({ page }) => {
  await page.route(`${ISSUER}/dev/faults`, async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    await route.fulfill({ status: 400, json: { error: "at most 32 faults can be armed" } });
  });
  await page.goto("/playground");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Arm expired" }).click();
  await expect(page.getByTestId("playground-problem")).toHaveText("the dev controls answered 400: at most 32 faults can be armed");
  await expect(page.getByTestId("event-log")).not.toContainText("Dev controls:");
});

test("after a reload of the lazily loaded playground, its event log still shows each new step", async ({ page }) => {
  // The reload restores this tab's events before the page's own code has
  // loaded and hydrated: the log must neither break hydration nor go stale.
  await page.goto("/playground");
  await waitForHydration(page);
  await expect(page.getByTestId("event-log").getByRole("listitem").first()).toBeVisible();
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId("event-log").getByRole("listitem").first()).toBeVisible();
  await page.getByRole("button", { name: "Arm wrong_iss" }).click();
  await expect(page.getByTestId("event-log")).toContainText("Dev controls: the issuer will tamper");
});

test("a catalogue that cannot be read is said so, and a failed re-read keeps the last one, marked stale", async ({ page }) => {
  // The first read of the catalogue fails: nothing to show but why.
  let failReads = true;
  await page.route(`${ISSUER}/dev/faults`, async (route) => {
    if (route.request().method() !== "GET" || !failReads) return route.fallback();
    await route.fulfill({ status: 503, json: { error: "restarting" } });
  });
  await page.goto("/playground");
  await waitForHydration(page);
  await expect(page.getByTestId("catalogue-unreadable")).toHaveText("the dev controls answered 503: restarting");
  await expect(page.getByTestId("fault")).toHaveCount(0);

  // Read once, then every re-read fails: the catalogue stays, said stale.
  failReads = false;
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId("fault").first()).toBeVisible();
  failReads = true;
  await page.getByRole("button", { name: "Arm wrong_iss" }).click();
  await expect(page.getByTestId("catalogue-stale")).toHaveText(
    "What is armed may have changed: the dev controls answered 503: restarting",
  );
  await expect(page.getByTestId("fault").first()).toBeVisible();
  await expect(page.getByTestId("catalogue-unreadable")).toHaveCount(0);
  // The arming itself went through, and was logged.
  await expect(page.getByTestId("event-log")).toContainText("Dev controls:");

  // The next good read clears the warning and shows what is armed.
  failReads = false;
  await page.getByRole("button", { name: "Disarm all" }).click();
  await expect(page.getByTestId("catalogue-stale")).toHaveCount(0);
  await expect(page.getByTestId("armed-faults")).toContainText("Nothing armed");
});

test("an older read of the catalogue answering last does not overwrite a newer one", async ({ page }) => {
  await page.goto("/playground");
  await waitForHydration(page);
  await expect(page.getByTestId("armed-faults")).toContainText("Nothing armed");
  // The re-read after arming is held back until the one after disarming
  // has answered: if it were shown, wrong_iss would read as armed.
  let held: (() => void) | undefined;
  let reads = 0;
  await page.route(`${ISSUER}/dev/faults`, async (route) => {
    if (route.request().method() !== "GET") return route.fallback();
    reads += 1;
    if (reads === 1) {
      const response = await route.fetch();
      await new Promise<void>((resolve) => (held = resolve));
      return route.fulfill({ response });
    }
    return route.fallback();
  });
  await page.getByRole("button", { name: "Arm wrong_iss" }).click();
  await expect.poll(() => held !== undefined).toBe(true);
  await page.getByRole("button", { name: "Disarm all" }).click();
  await expect(page.getByTestId("event-log")).toContainText("Dev controls: every fault disarmed");
  await expect.poll(() => reads).toBe(2);
  held?.();
  // Longer than it takes the held answer to arrive and be (wrongly) shown.
  await page.waitForTimeout(500);
  await expect(page.getByTestId("armed-faults")).toContainText("Nothing armed");
});

test("with a provider that has no dev controls, the playground says so and calls nothing", async ({ page }) => {
  // The SPA configured for another provider: the shell names no dev controls.
  await page.route(`${SPA}/playground`, async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace(/,"dev_controls":"[^"]*"/, "");
    expect(body).not.toContain("dev_controls");
    await route.fulfill({ response, body });
  });
  const devCalls: string[] = [];
  page.on("request", (r) => {
    if (r.url().startsWith(`${ISSUER}/dev/`)) devCalls.push(r.url());
  });
  await page.goto("/playground");
  await waitForHydration(page);
  await expect(page.getByTestId("no-dev-controls")).toContainText(ISSUER);
  await expect(page.getByTestId("fault")).toHaveCount(0);
  // Longer than the playground's polling interval: a call made by mistake
  // would have been made by now.
  await page.waitForTimeout(2_000);
  expect(devCalls).toEqual([]);
});

test("a read of the issuer's decisions that never answers is given up after 10 s, and reading goes on", async ({ page }) => {
  test.setTimeout(60_000);
  // The first read hangs for good; the ones after it pass.
  await hangFirst(page, `${ISSUER}/dev/events*`);
  await page.goto("/playground");
  await waitForHydration(page);
  const decisions = page.getByRole("region", { name: "The issuer's decisions" });
  // The alert lasts until the next read, at most one polling interval
  // (1.5 s) later: record every alert shown rather than poll for it.
  await page.evaluate(() => {
    const shown: string[] = [];
    Object.defineProperty(window, "__alertsShown", { value: shown });
    new MutationObserver(() => {
      for (const alert of document.querySelectorAll('[role="alert"]')) shown.push(alert.textContent ?? "");
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const alertsShown = () => page.evaluate(() => (window as unknown as { __alertsShown: string[] }).__alertsShown.join("\n"));
  await expect.poll(alertsShown, { timeout: 15_000 }).toContain("did not answer within 10 s");
  // The next poll reads again, and the page-load check's decisions arrive.
  await expect(page.getByTestId("issuer-decisions").getByRole("listitem")).not.toHaveCount(0);
  await expect(decisions.getByRole("alert")).toHaveCount(0);
});

test("one timeline puts a refused login's steps and the issuer's decisions on it in the order they happened", async ({ page }) => {
  await firstLogin(page);
  await page.getByRole("button", { name: "Forget tokens" }).click();
  await openPage(page, "Playground");
  await page.getByRole("button", { name: "Arm wrong_nonce" }).click();
  await expect(page.getByTestId("armed-faults")).toContainText("wrong_nonce × 1");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("callback-refused")).toBeVisible();
  await openPage(page, "Playground");

  const timeline = page.getByTestId("timeline");
  const refused = timeline.locator('li[data-lane="app"]').filter({ hasText: "id_token: nonce matches FAILED" });
  await expect(refused).toHaveCount(1);
  await expect(refused).toHaveClass(/failed/);
  const issued = timeline.locator('li[data-lane="issuer"][data-type="tokens_issued"]').filter({ hasText: "broken on purpose (wrong_nonce)" });
  await expect(issued).toHaveCount(1);

  // Following the request keeps only its lines, whatever else went on.
  const armedLine = timeline.locator("li").filter({ hasText: "Dev controls: the issuer will tamper" });
  await expect(armedLine).toHaveCount(1);
  const failed = page.getByTestId("event-log").getByRole("listitem").filter({ hasText: "id_token: nonce matches FAILED" });
  await failed.getByTestId("event-flow").click();
  await expect(armedLine).toHaveCount(0);
  await expect(page.getByTestId("timeline-focus")).toContainText("Only request");
  await expect(issued).toHaveCount(1);

  const lines = await timeline.locator("li").evaluateAll((items) =>
    items.map((li) => ({ lane: li.getAttribute("data-lane"), type: li.getAttribute("data-type"), text: li.textContent ?? "" })),
  );
  const at = (found: (line: (typeof lines)[number]) => boolean) => {
    const index = lines.findIndex(found);
    expect(index, JSON.stringify(lines, null, 1)).toBeGreaterThanOrEqual(0);
    return index;
  };
  const redirect = at((l) => l.lane === "app" && l.text.includes("Redirect to") && l.text.includes("/authorize"));
  const received = at((l) => l.type === "authorize_received");
  const injected = at((l) => l.type === "fault_injected");
  const tokens = at((l) => l.type === "tokens_issued");
  const nonce = at((l) => l.lane === "app" && l.text.includes("nonce matches FAILED"));
  // The app asks, the issuer decides (breaking its answer on purpose), the app refuses.
  expect([redirect, received, injected, tokens, nonce]).toEqual([...[redirect, received, injected, tokens, nonce]].sort((a, b) => a - b));
  expect(new Set([redirect, received, injected, tokens, nonce]).size).toBe(5);
});
