import type { APIRequestContext, BrowserContext, Page } from "@playwright/test";
import { expect, test } from "../fixtures";
import { API, ISSUER, SPA } from "../origins";
import {
  BOB,
  armFault,
  countLogLines,
  editDiscovery,
  firstLogin,
  isSilentAuthorize,
  logInAtIssuer,
  loginForAccessTokenOnly,
  openPage,
  resetIssuer,
  setLatency,
  setLifetimes,
  setNarrowScope,
  setResponseIss,
  waitForApp,
} from "../helpers";

const RENEWED = "Silent authentication succeeded";

test.beforeEach(async ({ request }) => {
  await resetIssuer(request);
});

test("with short-lived tokens, two silent renewals happen with no visible navigation and the API keeps answering", async ({
  page,
  request,
}) => {
  await setLifetimes(request, { access_token_secs: 4, id_token_secs: 4 });
  await firstLogin(page);
  await openPage(page, "Session");
  const visible: string[] = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) visible.push(frame.url());
  });
  await expect.poll(() => countLogLines(page, RENEWED), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  expect(visible.filter((url) => !url.startsWith(SPA))).toEqual([]);
  expect(page.url()).toBe(`${SPA}/session`);

  await openPage(page, "API");
  await page.getByRole("button", { name: "GET /api/private", exact: true }).click();
  await expect(page.getByTestId("api-status")).toHaveText("200");
});

test("a provider that narrows the granted scope to the API's: renewals ask for the requested scope and keep succeeding", async ({
  page,
  request,
}) => {
  await setNarrowScope(request, true);
  await setLifetimes(request, { access_token_secs: 4, id_token_secs: 4 });
  const asked: string[][] = [];
  page.on("request", (r) => {
    if (isSilentAuthorize(r.url())) asked.push((new URL(r.url()).searchParams.get("scope") ?? "").split(" "));
  });
  await firstLogin(page);
  await openPage(page, "Session");
  await expect(page.getByTestId("granted-scope")).toHaveText("read:messages");
  await expect.poll(() => countLogLines(page, RENEWED), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId("session-ended")).toHaveCount(0);
  await expect(page.getByTestId("event-log")).not.toContainText("lacks");
  // Every renewal (after the page-load attempt) asked for openid again.
  expect(asked.length).toBeGreaterThanOrEqual(3);
  for (const scope of asked) expect(scope).toEqual(expect.arrayContaining(["openid", "profile", "read:messages"]));
  await expect(page.getByTestId("requested-scope")).toHaveText("email openid profile read:messages");
  await expect(page.getByTestId("granted-scope")).toHaveText("read:messages");

  await openPage(page, "API");
  await page.getByRole("button", { name: "GET /api/private-scoped", exact: true }).click();
  await expect(page.getByTestId("api-status")).toHaveText("200");
});

test("a silent renewal answered in another issuer's name is refused, its tokens unused (RFC 9207)", async ({ page, request }) => {
  await firstLogin(page);
  await openPage(page, "Session");
  const renewedBefore = await countLogLines(page, RENEWED);
  await setResponseIss(request, { iss: "https://other.example" });
  await page.getByRole("button", { name: "Renew now" }).click();
  const log = page.getByTestId("event-log");
  await expect(log).toContainText('response issuer (iss) FAILED: the response comes from "https://other.example"');
  await expect(log).toContainText("Silent authentication failed");
  // No new tokens; the session goes on with the ones it had.
  expect(await countLogLines(page, RENEWED)).toBe(renewedBefore);
  await expect(page.getByTestId("user-name")).toBeVisible();
});

test("a reload restores the session silently", async ({ page }) => {
  await firstLogin(page);
  await page.reload();
  await expect(page.getByTestId("user-name")).toBeVisible();
  await expect(page.getByTestId("event-log")).toContainText("Silent authentication (page load)");
});

test("login_required during renewal ends the session once, with no retry loop, and a new login works", async ({
  page,
  request,
}) => {
  await setLifetimes(request, { access_token_secs: 4, id_token_secs: 4 });
  await firstLogin(page);
  // A renewal that works: the provider's cookie reaches the iframe, so a
  // login_required there means the session ended (not a blocked cookie).
  await expect.poll(() => countLogLines(page, RENEWED), { timeout: 10_000 }).toBe(1);
  await armFault(request, { error: "login_required" }, 1, true);
  let silentRequests = 0;
  page.on("request", (r) => {
    if (isSilentAuthorize(r.url())) silentRequests += 1;
  });
  await expect(page.getByTestId("session-ended")).toBeVisible({ timeout: 15_000 });
  const afterEnd = silentRequests;
  await page.waitForTimeout(6_000);
  expect(silentRequests).toBe(afterEnd);
  await expect(page.getByTestId("signed-out")).toBeVisible();

  await setLifetimes(request, { access_token_secs: 120, id_token_secs: 120 });
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("user-name")).toBeVisible();
  await expect(page.getByTestId("session-ended")).toHaveCount(0);
});

test("a renewal that times out is reported, cleaned up, and the next attempt recovers", async ({ page, request }) => {
  await firstLogin(page);
  await openPage(page, "Settings");
  const timeout = page.getByLabel("Give up on a silent authentication after (seconds)");
  await timeout.fill("2");
  await timeout.press("Tab");
  await openPage(page, "Session");
  await setLatency(request, 4_000);
  await page.getByRole("button", { name: "Renew now" }).click();
  await expect(page.getByTestId("event-log")).toContainText("no answer from the provider within 2 s", {
    timeout: 10_000,
  });
  await expect(page.locator("iframe[data-silent-auth]")).toHaveCount(0);

  await setLatency(request, 0);
  await page.getByRole("button", { name: "Renew now" }).click();
  await expect.poll(() => countLogLines(page, RENEWED)).toBe(1);
  await expect(page.getByTestId("user-name")).toBeVisible();
});

test.describe("with the page policy out of the way", () => {
  // The pages' frame-src admits no frame of the API's origin: this test is
  // about the client's own check of a message's origin and window, behind
  // that policy, so it lifts the policy to plant the attacker's frame.
  test.use({ bypassCSP: true });

  test("a forged postMessage from another origin or window is ignored during a renewal", async ({ page, request }) => {
    await firstLogin(page);
    await openPage(page, "Session");
    await setLatency(request, 2_000);
    await page.getByRole("button", { name: "Renew now" }).click();
    await expect(page.locator("iframe[data-silent-auth]")).toHaveCount(1);

    const forged = { type: "implicit.silent-callback", fragment: "#error=login_required&state=forged" };
    // From the page itself (not our iframe), and from a frame of another origin.
    await page.evaluate((message) => window.postMessage(message, "*"), forged);
    await page.evaluate((url) => {
      const frame = document.createElement("iframe");
      frame.src = url;
      frame.id = "attacker";
      document.body.appendChild(frame);
    }, `${API}/health`);
    const attacker = page.frameLocator("#attacker");
    await expect(attacker.locator("body")).toContainText("ok");
    const attackerFrame = page.frames().find((f) => f.url().startsWith(API));
    await attackerFrame?.evaluate((message) => window.parent.postMessage(message, "*"), forged);

    await expect.poll(() => countLogLines(page, RENEWED), { timeout: 10_000 }).toBe(1);
    await expect(page.getByTestId("session-ended")).toHaveCount(0);
    await expect(page.getByTestId("user-name")).toBeVisible();
  });
});

test("web_message: the provider's own page answers a renewal, also when discovery spells its host otherwise", async ({
  page,
}) => {
  // A browser serialises MessageEvent.origin in its own spelling (a host in
  // lower case, an IPv4 address in dotted decimal): the client must compare
  // with the endpoint's origin as the browser parses it, not as the
  // discovery document happens to spell it.
  await editDiscovery(page, (metadata) => {
    const endpoint = String(metadata.authorization_endpoint);
    const respelled = endpoint.replace(/^(https?:\/\/)([^/:]+)/, (_, scheme, host: string) =>
      /^\d+(\.\d+){3}$/.test(host)
        ? // The URL Standard's IPv4 parser reads `0X7F.0.0.1` as 127.0.0.1.
          scheme + host.replace(/^\d+/, (octet) => "0X" + Number(octet).toString(16).toUpperCase())
        : scheme + host.toUpperCase(),
    );
    expect(respelled).not.toBe(endpoint);
    expect(new URL(respelled).origin, "the same origin").toBe(new URL(endpoint).origin);
    metadata.authorization_endpoint = respelled;
  });
  await firstLogin(page);
  await openPage(page, "Settings");
  await page.getByRole("radio", { name: /web_message/ }).check();
  const modes: (string | null)[] = [];
  page.on("request", (r) => {
    if (isSilentAuthorize(r.url())) modes.push(new URL(r.url()).searchParams.get("response_mode"));
  });

  await openPage(page, "Session");
  await page.getByRole("button", { name: "Renew now" }).click();
  await expect.poll(() => countLogLines(page, RENEWED), { timeout: 10_000 }).toBe(1);
  expect(modes).toEqual(["web_message"]);
  await expect(page.locator("iframe[data-silent-auth]")).toHaveCount(0);
  await expect(page.getByTestId("user-name")).toBeVisible();
});

// What the API answers a token it refuses (RFC 6750 §3), readable by the SPA.
const INVALID_TOKEN = {
  status: 401,
  headers: {
    "www-authenticate": 'Bearer realm="api", error="invalid_token"',
    "access-control-allow-origin": SPA,
    "access-control-expose-headers": "WWW-Authenticate",
  },
  contentType: "application/json",
  body: '{"error":"invalid_token"}',
};

test("an API 401 invalid_token triggers one silent renewal and one retry that succeeds", async ({ page }) => {
  await firstLogin(page);
  await openPage(page, "API");
  let refused = 0;
  await page.route(`${API}/api/private`, async (route) => {
    if (refused === 0) {
      refused += 1;
      await route.fulfill(INVALID_TOKEN);
    } else {
      await route.continue();
    }
  });
  await page.getByRole("button", { name: "GET /api/private", exact: true }).click();
  await expect(page.getByTestId("api-status")).toHaveText("200");
  expect(refused).toBe(1);
  await expect(page.getByTestId("event-log")).toContainText("Silent authentication (API said invalid_token)");
  await expect(page.getByTestId("event-log")).toContainText(RENEWED);
});

test("a second 401 after the renewal asks the user to log in again", async ({ page }) => {
  await firstLogin(page);
  await openPage(page, "API");
  let refused = 0;
  await page.route(`${API}/api/private`, async (route) => {
    refused += 1;
    await route.fulfill(INVALID_TOKEN);
  });
  await page.getByRole("button", { name: "GET /api/private", exact: true }).click();
  await expect(page.getByTestId("api-session-ended")).toContainText("log in again");
  expect(refused).toBe(2);
  await expect(page.getByTestId("api-session-ended").getByRole("button", { name: "Log in again" })).toBeVisible();
});

test("tokens kept in sessionStorage survive a reload without a silent authentication", async ({ page }) => {
  await firstLogin(page);
  // The first page load logged a silent authentication: start a clean log.
  await page.getByRole("button", { name: "Clear" }).click();
  await openPage(page, "Settings");
  await page.getByRole("radio", { name: /^sessionStorage/ }).check();
  let silent = 0;
  page.on("request", (r) => {
    if (isSilentAuthorize(r.url())) silent += 1;
  });
  await page.goto("/");
  await expect(page.getByTestId("user-name")).toBeVisible();
  // A page-load renewal would have started by now (it runs right after
  // hydration); the log says the session came from storage instead.
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(1_000);
  expect(silent).toBe(0);
  await expect(page.getByTestId("event-log")).not.toContainText("Silent authentication (page load)");
  expect(await page.evaluate(() => sessionStorage.getItem("implicit.session"))).toContain("access_token");
  // Back to memory: the stored copy is erased at once.
  await openPage(page, "Settings");
  await page.getByRole("radio", { name: /^memory/ }).check();
  expect(await page.evaluate(() => sessionStorage.getItem("implicit.session"))).toBeNull();
});

test("Auth0-style logout (/v2/logout) ends the provider session too", async ({ page }) => {
  await firstLogin(page);
  await openPage(page, "Settings");
  await page.getByRole("radio", { name: /v2\/logout/ }).check();
  await openPage(page, "Home");
  // The first page load already logged a login_required: start a clean log.
  await page.getByRole("button", { name: "Clear" }).click();
  const logout = page.waitForRequest((r) => r.url().startsWith(`${ISSUER}/v2/logout`));
  await page.getByRole("button", { name: "Log out" }).click();
  const request = await logout;
  expect(new URL(request.url()).searchParams.get("returnTo")).toBe(`${SPA}/`);
  expect(new URL(request.url()).searchParams.get("client_id")).toBe("demo-spa");
  // Back from the provider, the page-load silent authentication finds no session.
  await page.waitForURL(`${SPA}/`);
  await expect(page.getByTestId("event-log")).toContainText("login_required");
  await expect(page.getByTestId("signed-out")).toBeVisible();
});

test("a provider without end_session_endpoint: logout signs out of the app only, says so, and goes nowhere", async ({
  page,
}) => {
  await editDiscovery(page, (metadata) => {
    delete metadata.end_session_endpoint;
  });
  await firstLogin(page);
  const toIssuer: string[] = [];
  page.on("request", (r) => {
    if (r.url().startsWith(ISSUER) && !r.url().includes("/.well-known/") && !isSilentAuthorize(r.url())) {
      toIssuer.push(r.url());
    }
  });
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "no end_session_endpoint" })).toBeVisible();
  await expect(page.getByTestId("signed-out")).toBeVisible();
  expect(page.url()).toBe(`${SPA}/`);
  // No guessed logout URL (such as Auth0's /v2/logout) at another provider.
  expect(toIssuer).toEqual([]);
});

test("a discovery document whose authorization endpoint is not an absolute URL is refused before any redirect", async ({
  page,
}) => {
  await editDiscovery(page, (metadata) => {
    metadata.authorization_endpoint = "/authorize";
  });
  const toAuthorize: string[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/authorize") toAuthorize.push(r.url());
  });
  await page.goto("/");
  await waitForApp(page);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: '"/authorize" is not an endpoint URL: not an absolute http(s) URL' }),
  ).toBeVisible();
  expect(new URL(page.url()).origin).toBe(SPA);
  expect(toAuthorize).toEqual([]);
});

test("without Web Locks (an insecure context, an older browser) renewal still works", async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, "locks", { get: () => undefined, configurable: true });
  });
  await firstLogin(page);
  expect(await page.evaluate(() => navigator.locks)).toBeUndefined();
  await openPage(page, "Session");
  await page.getByRole("button", { name: "Renew now" }).click();
  await expect.poll(() => countLogLines(page, RENEWED), { timeout: 10_000 }).toBe(1);
  await expect(page.getByTestId("user-name")).toBeVisible();
});

/** Alice signed in in `first`; then Bob signs in at the provider from another tab. */
async function bobTakesOverTheProviderSession(context: BrowserContext, request: APIRequestContext): Promise<Page> {
  const first = await context.newPage();
  await firstLogin(first);
  // The provider's cookie reaches this tab's iframe (a renewal works).
  await openPage(first, "Session");
  await first.getByRole("button", { name: "Renew now" }).click();
  await expect.poll(() => countLogLines(first, RENEWED), { timeout: 10_000 }).toBe(1);
  const ended = await request.post(`${ISSUER}/dev/end-sessions`, { data: {} });
  expect(ended.ok()).toBeTruthy();
  const second = await context.newPage();
  await second.goto("/");
  await waitForApp(second);
  await second.getByRole("button", { name: "Log in" }).click();
  await logInAtIssuer(second, BOB);
  await second.getByRole("button", { name: "Allow" }).click();
  await expect(second.getByTestId("user-name")).toHaveText("Bob the Builder");
  await openPage(first, "Session");
  await expect(first.getByTestId("user-name")).toHaveText("Alice Liddell");
  return first;
}

test("a renewal carries the session's id_token_hint, and the provider refuses it for another user: the session ends", async ({
  context,
  request,
}) => {
  const first = await bobTakesOverTheProviderSession(context, request);
  const hints: (string | null)[] = [];
  first.on("request", (r) => {
    if (isSilentAuthorize(r.url())) hints.push(new URL(r.url()).searchParams.get("id_token_hint"));
  });
  await first.getByRole("button", { name: "Renew now" }).click();
  await expect(first.getByTestId("session-ended")).toBeVisible();
  expect(hints).toHaveLength(1);
  expect(hints[0]).toMatch(/^eyJ/);
  await expect(first.getByTestId("event-log")).toContainText("login_required");
  await expect(first.getByTestId("user-name")).toHaveCount(0);
});

test("a renewal that still answers for another user ends the session: accounts never switch in the background", async ({
  context,
  request,
}) => {
  const first = await bobTakesOverTheProviderSession(context, request);
  // A provider that ignores id_token_hint: the hint never reaches it.
  await first.route(`${ISSUER}/authorize*`, async (route) => {
    const url = new URL(route.request().url());
    if (url.searchParams.get("prompt") !== "none") return route.fallback();
    url.searchParams.delete("id_token_hint");
    await route.continue({ url: url.toString() });
  });
  await first.getByRole("button", { name: "Renew now" }).click();
  await expect(first.getByTestId("session-ended")).toContainText("another user");
  await expect(first.getByTestId("event-log")).toContainText("different user");
  await expect(first.getByTestId("user-name")).toHaveCount(0);
  await openPage(first, "Profile");
  await expect(first.getByTestId("claims")).toHaveCount(0);
});

test("two tabs renew one at a time and a logout in one signs out the other", async ({ context, request }) => {
  const first = await context.newPage();
  await firstLogin(first);
  const second = await context.newPage();
  await second.goto("/");
  await expect(second.getByTestId("user-name")).toBeVisible();

  let silent = 0;
  context.on("request", (r) => {
    if (isSilentAuthorize(r.url())) silent += 1;
  });
  await setLatency(request, 1_500);
  await openPage(first, "Session");
  await openPage(second, "Session");
  // Only this round's lines count (the second tab's page load renewed too).
  for (const tab of [first, second]) await tab.getByRole("button", { name: "Clear" }).click();
  const inBoth = async (text: string) => (await countLogLines(first, text)) + (await countLogLines(second, text));
  await Promise.all([
    first.getByRole("button", { name: "Renew now" }).click(),
    second.getByRole("button", { name: "Renew now" }).click(),
  ]);
  await expect.poll(() => inBoth(RENEWED), { timeout: 10_000 }).toBe(1);
  expect(silent).toBe(1);
  // One tab waited and took the other's tokens; the tab that renewed hears
  // its own broadcast back and does not take it for another tab's.
  const [renewer, waiter] = (await countLogLines(first, RENEWED)) === 1 ? [first, second] : [second, first];
  const taken = "Another tab: renewed the tokens; using them here too";
  await expect.poll(() => countLogLines(waiter, taken)).toBe(1);
  await renewer.waitForTimeout(500); // anything later would have come by now
  expect(await countLogLines(waiter, "Another tab: is already renewing")).toBe(1);
  expect(await countLogLines(waiter, "not taken")).toBe(0);
  expect(await countLogLines(renewer, "Another tab")).toBe(0);
  expect(await countLogLines(waiter, RENEWED)).toBe(0);
  await setLatency(request, 0);

  await first.getByRole("button", { name: "Log out" }).click();
  await expect(second.getByTestId("signed-out")).toBeVisible();
  await expect(first.getByTestId("signed-out")).toBeVisible({ timeout: 15_000 });
});

test("a renewal that a logout counted in another tab overtakes installs nothing", async ({ page, request }) => {
  await firstLogin(page);
  await openPage(page, "Session");
  await setLatency(request, 1_500);
  await page.getByRole("button", { name: "Renew now" }).click();
  // As another tab's logout, counted in storage before its message arrives.
  await page.evaluate(() => localStorage.setItem("implicit.logout-count", "7"));
  await expect(page.getByTestId("event-log")).toContainText(
    "Silent authentication failed: a logout or another login happened meanwhile; nothing installed",
    { timeout: 10_000 },
  );
  await setLatency(request, 0);
  // Nothing was installed, and the tokens from before are still held.
  expect(await countLogLines(page, RENEWED)).toBe(0);
  await expect(page.getByTestId("user-name")).toBeVisible();
});

test("tokens forgotten in one tab stay forgotten there when another tab renews", async ({ context }) => {
  const first = await context.newPage();
  await firstLogin(first);
  const second = await context.newPage();
  await second.goto("/");
  await expect(second.getByTestId("user-name")).toBeVisible();
  await second.getByRole("button", { name: "Forget tokens" }).click();
  await expect(second.getByTestId("signed-out")).toBeVisible();

  await openPage(first, "Session");
  await first.getByRole("button", { name: "Renew now" }).click();
  await expect.poll(() => countLogLines(first, RENEWED), { timeout: 10_000 }).toBe(1);
  await expect(second.getByTestId("event-log")).toContainText("not taken here, where they were forgotten");
  await expect(second.getByTestId("signed-out")).toBeVisible();
  await expect(first.getByTestId("user-name")).toBeVisible();
});

test("after logout, a silent authentication gives login_required", async ({ page }) => {
  await firstLogin(page);
  // The first page load already logged a login_required: start a clean log.
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page.getByTestId("event-log")).not.toContainText("login_required");
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(`${SPA}/`);
  await expect(page.getByTestId("signed-out")).toBeVisible();
  await expect(page.getByTestId("event-log")).toContainText("login_required");
});

test("logout posts the id_token_hint in a form body, so no URL or history entry holds the ID token", async ({
  page,
}) => {
  await firstLogin(page);
  const urls: string[] = [];
  page.on("request", (r) => urls.push(r.url()));
  const logout = page.waitForRequest((r) => r.url().startsWith(`${ISSUER}/oidc/logout`));
  await page.getByRole("button", { name: "Log out" }).click();
  const request = await logout;
  expect(request.method()).toBe("POST");
  expect(new URL(request.url()).search).toBe("");
  const form = new URLSearchParams(request.postData() ?? "");
  expect(form.get("client_id")).toBe("demo-spa");
  expect(form.get("post_logout_redirect_uri")).toBe(`${SPA}/`);
  const hint = form.get("id_token_hint") ?? "";
  expect(hint.split(".")).toHaveLength(3);
  // With the current user's hint the provider asks nothing and comes back.
  await page.waitForURL(`${SPA}/`);
  await expect(page.getByTestId("signed-out")).toBeVisible();
  for (const url of urls) expect(url).not.toContain(hint);
  // Back through the history: no entry holds it either.
  await page.goBack();
  expect(page.url()).not.toContain(hint);
});

test("without an id_token to hint with, the provider asks \"Log out?\" and ends its session once the user confirms", async ({
  page,
}) => {
  await loginForAccessTokenOnly(page);
  // The first page load already logged a login_required: start a clean log.
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page.getByTestId("event-log")).not.toContainText("login_required");
  await page.getByRole("button", { name: "Log out" }).click();
  // RP-Initiated Logout §2: no id_token_hint, so the provider asks first.
  await expect(page.getByRole("heading", { name: "Log out?" })).toBeVisible();
  await page.getByRole("button", { name: "Log out" }).click();
  await page.waitForURL(`${SPA}/`);
  await expect(page.getByTestId("signed-out")).toBeVisible();
  await expect(page.getByTestId("event-log")).toContainText("login_required");
});

test("time passing expiry while the page is hidden renews the token when it is shown again", async ({ page }) => {
  await page.clock.install();
  await firstLogin(page);
  await openPage(page, "Session");
  const setVisibility = (state: "hidden" | "visible") =>
    page.evaluate((s) => {
      Object.defineProperty(document, "visibilityState", { value: s, configurable: true });
      Object.defineProperty(document, "hidden", { value: s === "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    }, state);
  await setVisibility("hidden");
  // The default access token lives 120 s; jump past its expiry without
  // running timers, as a throttled background tab or a sleeping laptop would.
  const now = await page.evaluate(() => Date.now());
  await page.clock.setSystemTime(now + 130_000);
  expect(await countLogLines(page, RENEWED)).toBe(0);
  await setVisibility("visible");
  await expect.poll(() => countLogLines(page, RENEWED), { timeout: 10_000 }).toBe(1);
  await expect(page.getByTestId("access-token-expiry")).not.toHaveText("expired");
});

test("the session page shows what is inside each token, with its rule and the check made, but never the token", async ({ page }) => {
  const tokens: string[] = [];
  page.on("framenavigated", (frame) => {
    const url = new URL(frame.url());
    if (frame === page.mainFrame() && url.pathname === "/callback" && url.hash) {
      const fragment = new URLSearchParams(url.hash.slice(1));
      for (const name of ["access_token", "id_token"]) tokens.push(fragment.get(name) ?? "");
    }
  });
  await firstLogin(page);
  expect(tokens.filter((t) => t.split(".").length === 3)).toHaveLength(2);
  await openPage(page, "Session");

  const idToken = page.getByTestId("id-token-inspector");
  const row = (table: typeof idToken, name: string) => table.locator(`tr[data-name="${name}"]`);
  await expect(row(idToken, "alg")).toContainText("RS256");
  await expect(row(idToken, "alg")).toContainText("Checked by this client: signature algorithm allowed");
  await expect(row(idToken, "iss")).toContainText(ISSUER);
  await expect(row(idToken, "iss").getByRole("link", { name: /RFC 7519 §4\.1\.1/ })).toHaveAttribute(
    "href",
    "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.1",
  );
  await expect(row(idToken, "iss")).toContainText("Checked by this client: issuer (iss)");
  await expect(row(idToken, "nonce")).toContainText("Checked by this client: nonce matches");
  await expect(row(idToken, "at_hash")).toContainText("Checked by this client: access token hash (at_hash)");
  await expect(row(idToken, "exp")).toContainText(/\d+ \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)/);

  // The access token is the API's to check: decoded, but no check is claimed.
  const accessToken = page.getByTestId("access-token-inspector");
  const note = page.getByTestId("access-token-note");
  await expect(note).toContainText("This client never reads its access token");
  await expect(note.getByRole("link", { name: /RFC 9068 §6/ })).toHaveAttribute(
    "href",
    "https://www.rfc-editor.org/rfc/rfc9068#section-6",
  );
  await expect(row(accessToken, "client_id")).toContainText("demo-spa");
  await expect(row(accessToken, "typ")).toContainText("at+jwt");
  await expect(accessToken.locator(".checked")).toHaveCount(0);

  // Neither token, nor any signature, is on the page.
  const text = await page.locator("body").innerText();
  const html = await page.content();
  for (const token of tokens) {
    const signature = token.split(".")[2];
    expect(text).not.toContain(signature);
    expect(html).not.toContain(signature);
  }
});

test("a renewal updates the token inspector's changed rows and leaves keyboard focus where it was", async ({ page }) => {
  await firstLogin(page);
  await openPage(page, "Session");
  const idToken = page.getByTestId("id-token-inspector");
  const nonce = idToken.locator('tr[data-name="nonce"] td').first();
  const before = await nonce.textContent();
  const issLink = idToken.locator('tr[data-name="iss"]').getByRole("link", { name: /RFC 7519 §4\.1\.1/ });
  await issLink.focus();
  await expect(issLink).toBeFocused();

  // Renew without moving focus (a script's click focuses nothing), as a timer would.
  const renewals = await countLogLines(page, RENEWED);
  await page.getByRole("button", { name: "Renew now" }).evaluate((button: HTMLElement) => button.click());
  await expect.poll(() => countLogLines(page, RENEWED)).toBeGreaterThan(renewals);

  await expect(nonce).not.toHaveText(before ?? "");
  await expect(issLink).toBeFocused();
});
