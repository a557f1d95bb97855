import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "../fixtures";
import { API, ISSUER, SPA } from "../origins";
import { armFault, denyWithDescription, faultCatalogue, type FaultInfo, firstLogin, hangFirst, logInAtIssuer, openPage, resetIssuer, isSilentAuthorize, rotateKeys, setResponseIss, waitForApp } from "../helpers";

test.beforeEach(async ({ request }) => {
  await resetIssuer(request);
});

async function callApi(page: Page, label: string): Promise<string> {
  await page.getByRole("button", { name: label, exact: true }).click();
  const result = page.getByTestId("api-result");
  await expect(result).toContainText(label);
  return (await page.getByTestId("api-status").textContent()) ?? "";
}

// Tagged @smoke: it also runs against the release build, whose wasm does
// the WebCrypto signature check and the rest of the callback's validation.
test("first login asks for consent, then every API call succeeds and no token stays in the URL or history @smoke", async ({
  page,
}) => {
  const fragments: string[] = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame() && frame.url().includes("#")) fragments.push(frame.url());
  });
  await firstLogin(page);

  // The callback URL carried the tokens, and the app removed them at once.
  expect(fragments.some((url) => url.startsWith(`${SPA}/callback#`))).toBeTruthy();
  expect(page.url()).toBe(`${SPA}/`);
  expect(await page.evaluate(() => window.location.hash)).toBe("");
  const log = page.getByTestId("event-log");
  for (const check of ["signature valid", "issuer (iss)", "audience (aud)", "nonce matches", "access token hash (at_hash)"]) {
    await expect(log).toContainText(`id_token: ${check} passed`);
  }

  await openPage(page, "API");
  const authorization = new Map<string, string | undefined>();
  page.on("request", (request) => {
    if (request.url().startsWith(`${API}/api/`) && request.method() !== "OPTIONS") {
      authorization.set(new URL(request.url()).pathname, request.headers()["authorization"]);
    }
  });
  for (const call of ["GET /api/public", "GET /api/private", "GET /api/private-scoped", "GET /api/messages"]) {
    expect(await callApi(page, call), call).toBe("200");
  }
  // The token goes only where it is needed.
  expect(authorization.get("/api/public")).toBeUndefined();
  for (const path of ["/api/private", "/api/private-scoped", "/api/messages"]) {
    expect(authorization.get(path), path).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  }

  // Back through history: no entry holds a token.
  await page.goBack();
  expect(page.url()).not.toContain("access_token");
  expect(page.url()).not.toContain("id_token");
});

test("the browser keeps the issuer's session cookie as one a renewal iframe on another site may send, and a Lax copy", async ({
  page,
  context,
}) => {
  await firstLogin(page);
  const cookies = await context.cookies(ISSUER);
  const session = cookies.find((c) => c.name === "issuer_session");
  // Secure over http: the browser treats loopback as a secure context.
  expect(session).toMatchObject({ sameSite: "None", secure: true, httpOnly: true, path: "/" });
  const copy = cookies.find((c) => c.name === "issuer_session_lax");
  expect(copy).toMatchObject({ sameSite: "Lax", secure: false, httpOnly: true, value: session!.value });
});

test("a second login skips the consent page", async ({ page }) => {
  await firstLogin(page);
  const consentShown: string[] = [];
  page.on("framenavigated", (frame) => {
    if (frame.url().startsWith(ISSUER)) consentShown.push(frame.url());
  });
  await page.getByRole("button", { name: "Forget tokens" }).click();
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("user-name")).toBeVisible();
  await expect(page.getByRole("heading", { name: /^Authorize / })).toHaveCount(0);
  expect(consentShown.every((url) => !url.includes("/consent"))).toBeTruthy();
});

// Each tampering of the issuer's dev controls is caught by the check its
// catalogue (GET /dev/faults) names; the first test keeps this list complete.
// They mirror the OpenID Foundation's RP conformance tests (named in the
// catalogue); the two a correct client must accept are tested after.
const tamperings = [
  "wrong_nonce",
  "bad_signature",
  "alg_none",
  "hs256_public_key",
  "hs256_client_id",
  "kid_absent_multiple_jwks",
  "wrong_aud",
  "extra_aud",
  "wrong_iss",
  "expired",
  "missing_iat",
  "iat_future",
  "missing_sub",
  "missing_at_hash",
  "wrong_at_hash",
];
const acceptable = ["kid_absent_single_jwks", "iat_within_skew"];

test("there is a test below for every tampering in the issuer's fault catalogue", async ({ request }) => {
  const catalogue = await faultCatalogue(request);
  const listed = (expected: string) =>
    catalogue.flatMap((info) => ("tamper" in info.fault && info.expected === expected ? [info.fault.tamper] : []));
  expect(listed("accepted").sort()).toEqual([...acceptable].sort());
  const refused = catalogue.flatMap((info) =>
    "tamper" in info.fault && info.expected !== "accepted" ? [info.fault.tamper] : [],
  );
  expect(refused.sort()).toEqual([...tamperings].sort());
  // The broken documents are tested after them.
  const documents = catalogue.flatMap((info) => ("document" in info.fault ? [info.fault.document] : []));
  expect(documents.sort()).toEqual(["discovery_issuer_mismatch", "userinfo_bad_sub"]);
  // Each names its OpenID RP conformance test, where one exists.
  const named = Object.fromEntries(catalogue.flatMap((i) => ("tamper" in i.fault ? [[i.fault.tamper, i.conformance_test]] : [])));
  expect(named).toMatchObject({
    wrong_nonce: "rp-nonce-invalid",
    alg_none: "rp-id_token-sig-none",
    kid_absent_single_jwks: "rp-id_token-kid-absent-single-jwks",
    kid_absent_multiple_jwks: "rp-id_token-kid-absent-multiple-jwks",
    missing_sub: "rp-id_token-sub",
    missing_iat: "rp-id_token-iat",
    wrong_at_hash: "rp-id_token-bad-at_hash",
  });
});

for (const tamper of acceptable) {
  test(`a token with ${tamper} is accepted, as a correct client must, and the API takes its access token`, async ({
    page,
    request,
  }) => {
    await firstLogin(page);
    await page.getByRole("button", { name: "Forget tokens" }).click();
    await page.getByRole("button", { name: "Clear" }).click();
    await armFault(request, { tamper });
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByTestId("user-name")).toBeVisible();
    const log = page.getByTestId("event-log");
    await expect(log).toContainText("id_token: signature valid passed");
    await expect(log).toContainText("id_token: issued recently (iat) passed");
    await expect(log).not.toContainText("FAILED");
    await openPage(page, "API");
    await page.getByRole("button", { name: "GET /api/private", exact: true }).click();
    await expect(page.getByTestId("api-status")).toHaveText("200");
  });
}

for (const tamper of tamperings) {
  test(`a token with ${tamper} is refused by the check the catalogue names and nothing is kept`, async ({ page, request }) => {
    const info = (await faultCatalogue(request)).find((i) => "tamper" in i.fault && i.fault.tamper === tamper);
    const check = info?.caught_by?.label;
    expect(check, `${tamper} is in the catalogue with the check that catches it`).toBeTruthy();
    await firstLogin(page);
    await page.getByRole("button", { name: "Forget tokens" }).click();
    await armFault(request, { tamper });

    const apiCalls: string[] = [];
    page.on("request", (r) => {
      if (r.url().startsWith(API)) apiCalls.push(r.url());
    });
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByTestId("callback-refused")).toBeVisible();
    await expect(page.getByTestId("refusal-reason")).toContainText(`${check}`);
    // The failed check is in the log, linked to the rule the catalogue cites.
    const failed = page.getByTestId("event-log").getByRole("listitem").filter({ hasText: `id_token: ${check} FAILED` });
    await expect(failed).toHaveCount(1);
    await expect(failed.getByRole("link", { name: info!.spec })).toHaveAttribute("href", info!.spec_url);

    await openPage(page, "Session");
    await expect(page.getByTestId("signed-out")).toBeVisible();
    expect(apiCalls).toEqual([]);
  });
}

// The documents besides the authorization response, after the RP tests
// rp-userinfo-bad-sub-claim and rp-discovery-issuer-not-matching-config.
async function documentFault(request: APIRequestContext, document: string): Promise<FaultInfo> {
  const info = (await faultCatalogue(request)).find((i) => "document" in i.fault && i.fault.document === document);
  expect(info?.caught_by?.label, `${document} is in the catalogue with its check`).toBeTruthy();
  return info!;
}

test("a UserInfo answer about another sub is refused by the check the catalogue names, and its claims are not shown", async ({
  page,
  request,
}) => {
  const info = await documentFault(request, "userinfo_bad_sub");
  expect(info.conformance_test).toBe("rp-userinfo-bad-sub-claim");
  await firstLogin(page);
  await armFault(request, { document: "userinfo_bad_sub" });
  await openPage(page, "Profile");
  await page.getByRole("button", { name: "Fetch UserInfo" }).click();
  await expect(page.getByTestId("userinfo-error")).toContainText("its sub is not the ID token's");
  await expect(page.getByTestId("userinfo")).toHaveCount(0);
  const failed = page.getByTestId("event-log").getByRole("listitem").filter({ hasText: `${info.caught_by!.label} FAILED` });
  await expect(failed).toHaveCount(1);
  await expect(failed.getByRole("link", { name: info.spec })).toHaveAttribute("href", info.spec_url);
  // Used up: the next answer is the user's own, and is shown.
  await page.getByRole("button", { name: "Fetch UserInfo" }).click();
  await expect(page.getByTestId("userinfo")).toBeVisible();
  await expect(page.getByTestId("userinfo-error")).toHaveCount(0);
});

test("a discovery document naming another issuer is refused by the check the catalogue names, and nothing goes to its endpoints", async ({
  newProfile,
  request,
}) => {
  const info = await documentFault(request, "discovery_issuer_mismatch");
  expect(info.conformance_test).toBe("rp-discovery-issuer-not-matching-config");
  await armFault(request, { document: "discovery_issuer_mismatch" });
  // A tab with no copy of the document yet: its page-load renewal reads it.
  const context = await newProfile();
  const page = context.pages()[0];
  const authorize: string[] = [];
  page.on("request", (r) => {
    if (r.url().startsWith(`${ISSUER}/authorize`)) authorize.push(r.url());
  });
  await page.goto(`${SPA}/`);
  const failed = page.getByTestId("event-log").getByRole("listitem").filter({ hasText: `${info.caught_by!.label} FAILED` });
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText("https://attacker.example/");
  await expect(failed.getByRole("link", { name: info.spec })).toHaveAttribute("href", info.spec_url);
  expect(authorize).toEqual([]);
  // Used up: the next read is the issuer's own, and a login works.
  await firstLogin(page);
});

// RFC 9207 §2.4: a response from another issuer than the one asked (a
// mix-up), or without `iss` where discovery promised it, is refused before
// its tokens are looked at, and nothing is kept.
for (const [what, body, reason] of [
  ["names another issuer", { iss: "https://other.example" }, 'comes from "https://other.example"'],
  ["names no issuer although discovery promised one", { omit: true }, "has no iss"],
] as const) {
  test(`a login response that ${what} is refused by the response issuer check (RFC 9207)`, async ({ page, request }) => {
    await firstLogin(page);
    await page.getByRole("button", { name: "Forget tokens" }).click();
    const log = page.getByTestId("event-log");
    const signatureChecks = () => log.getByRole("listitem").filter({ hasText: "id_token: signature valid" }).count();
    const checkedBefore = await signatureChecks();
    await setResponseIss(request, body);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByTestId("callback-refused")).toBeVisible();
    await expect(page.getByTestId("refusal-reason")).toContainText(reason);
    const failed = log.getByRole("listitem").filter({ hasText: "response issuer (iss) FAILED" });
    await expect(failed).toHaveCount(1);
    await expect(failed.getByRole("link", { name: "RFC 9207 §2.4" })).toHaveAttribute(
      "href",
      "https://www.rfc-editor.org/rfc/rfc9207#section-2.4",
    );
    // Refused before the ID token was looked at.
    expect(await signatureChecks()).toBe(checkedBefore);
    await openPage(page, "Session");
    await expect(page.getByTestId("signed-out")).toBeVisible();
  });
}

test("with the issuer's own iss, the response issuer check passes at login", async ({ page }) => {
  await firstLogin(page);
  await expect(page.getByTestId("event-log")).toContainText("response issuer (iss) passed");
});

// Each request is bound to where its response comes back: a silent
// renewal's tokens delivered to the login callback, or a login's to the
// silent callback, are refused by their state (and used up).
test("a silent renewal's response delivered to the login callback is refused by its state", async ({ page }) => {
  await firstLogin(page);
  await openPage(page, "Session");
  let fragment = "";
  await page.route(`${ISSUER}/authorize*`, async (route) => {
    if (!isSilentAuthorize(route.request().url())) return route.fallback();
    const response = await route.fetch({ maxRedirects: 0 });
    fragment = new URL(response.headers()["location"]).hash;
    // The iframe never gets it: it goes to the login callback instead.
    await route.fulfill({ status: 204 });
  });
  await page.getByRole("button", { name: "Renew now" }).click();
  await expect.poll(() => fragment).toContain("access_token=");
  await page.goto(`/callback${fragment}`);
  await expect(page.getByTestId("refusal-reason")).toContainText("comes back elsewhere");
  await expect(page.getByTestId("event-log")).toContainText("state names a request whose response comes back elsewhere");
  await openPage(page, "Session");
  await expect(page.getByTestId("signed-out")).toBeVisible();
});

test("a login's response delivered to the silent callback is refused by its state", async ({ page }) => {
  await firstLogin(page);
  await page.getByRole("button", { name: "Forget tokens" }).click();
  // The login's answer (the session and consent exist: straight tokens)
  // is held back, and given to the next silent renewal's iframe instead.
  let loginFragment = "";
  await page.route(`${ISSUER}/authorize*`, async (route) => {
    const url = route.request().url();
    if (!isSilentAuthorize(url)) {
      const response = await route.fetch({ maxRedirects: 0 });
      loginFragment = new URL(response.headers()["location"]).hash;
      return route.fulfill({ status: 200, contentType: "text/plain", body: "held" });
    }
    if (!loginFragment) return route.fallback();
    await route.fulfill({ status: 302, headers: { location: `${SPA}/silent-callback.html${loginFragment}` } });
  });
  await page.getByRole("button", { name: "Log in" }).click();
  await expect.poll(() => loginFragment).toContain("access_token=");
  // The page-load renewal at the app gets it.
  await page.goto("/");
  await expect(page.getByTestId("event-log")).toContainText("state names a request whose response comes back elsewhere");
  await expect(page.getByTestId("signed-out")).toBeVisible();
});

test("a response whose state matches no login of this tab is refused", async ({ page }) => {
  await page.goto("/callback#access_token=x.y.z&token_type=Bearer&state=forged-state");
  await expect(page.getByTestId("refusal-reason")).toContainText("state does not match");
  expect(await page.evaluate(() => window.location.hash)).toBe("");
});

test("the shell removes the fragment from the URL before the app has even loaded", async ({ page }) => {
  // With the wasm app blocked, only the page's first script can have done it.
  await page.route("**/pkg/*.wasm", (route) => route.abort());
  await page.goto("/callback#access_token=secret-value&token_type=Bearer&state=s");
  expect(await page.evaluate(() => window.location.hash)).toBe("");
  expect(page.url()).toBe(`${SPA}/callback`);
});

test("a replayed callback URL is refused: its transaction was used up", async ({ page }) => {
  let callbackUrl = "";
  page.on("framenavigated", (frame) => {
    if (frame.url().startsWith(`${SPA}/callback#`)) callbackUrl = frame.url();
  });
  await firstLogin(page);
  expect(callbackUrl).toContain("access_token=");
  await page.goto(callbackUrl);
  await expect(page.getByTestId("refusal-reason")).toContainText("state does not match");
});

test("denied consent is shown with a way to try again", async ({ page }) => {
  await page.goto("/");
  await waitForApp(page);
  await page.getByRole("button", { name: "Log in" }).click();
  await logInAtIssuer(page);
  await page.getByRole("button", { name: "Deny" }).click();
  await expect(page.getByTestId("callback-error")).toContainText("access_denied");

  // Trying again from there ends signed in on the home page, not on /callback.
  await page.getByRole("button", { name: "Log in again" }).click();
  await expect(page.getByRole("heading", { name: /^Authorize / })).toBeVisible();
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByTestId("user-name")).toBeVisible();
  expect(page.url()).toBe(`${SPA}/`);
});

test("the profile shows the ID token's claims and the UserInfo claims for the same sub", async ({ page }) => {
  await firstLogin(page);
  await openPage(page, "Profile");
  await expect(page.getByTestId("claims")).toContainText("alice");
  await page.getByRole("button", { name: "Fetch UserInfo" }).click();
  await expect(page.getByTestId("userinfo")).toContainText("alice@example.com");
  await expect(page.getByTestId("event-log")).toContainText("UserInfo answered 200");
});

test("a token signed by a key the app has not seen yet is verified after one JWKS refetch", async ({ page, request }) => {
  await firstLogin(page);
  await openPage(page, "Session");
  // Twice: the new signing key is one that was not published when the app
  // read the JWKS.
  await rotateKeys(request);
  await rotateKeys(request);
  const jwksFetches: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/.well-known/jwks.json")) jwksFetches.push(r.url());
  });
  await page.getByRole("button", { name: "Renew now" }).click();
  await expect(page.getByTestId("event-log")).toContainText("Silent authentication succeeded");
  expect(jwksFetches).toHaveLength(1);
});

test("the callback page uses this tab's copy of the provider's metadata and keys, and refetches the keys after a rotation", async ({
  page,
  request,
}) => {
  await firstLogin(page);
  const fetched: string[] = [];
  page.on("request", (r) => {
    if (r.url().startsWith(ISSUER) && r.url().includes("/.well-known/")) fetched.push(r.url());
  });
  const loginAgain = async () => {
    await page.getByRole("button", { name: "Forget tokens" }).click();
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByTestId("user-name")).toBeVisible();
  };

  await loginAgain();
  expect(fetched).toEqual([]);
  await expect(page.getByTestId("event-log")).toContainText("Used this tab's copy of the discovery document");

  // The new signing key was not published when this tab read the keys.
  await rotateKeys(request);
  await rotateKeys(request);
  await page.getByRole("button", { name: "Clear" }).click();
  await loginAgain();
  expect(fetched).toEqual([`${ISSUER}/.well-known/jwks.json`]);
  await expect(page.getByTestId("event-log")).toContainText("id_token: signature valid passed");
});

test("a new tab whose browser cache holds the keys from before a rotation reads them again past the cache", async ({
  context,
  page,
  request,
}) => {
  // The JWKS is served with max-age=300, so the browser keeps this copy.
  await firstLogin(page);
  // The new signing key was not published when that copy was read.
  await rotateKeys(request);
  await rotateKeys(request);
  // A new tab has no copy of its own: its first read of the keys may come
  // from the HTTP cache, and must not be the last word on an unknown kid.
  const tab = await context.newPage();
  await tab.goto(SPA);
  await waitForApp(tab);
  await expect(tab.getByTestId("user-name")).toBeVisible();
  await expect(tab.getByTestId("event-log")).toContainText("id_token: signature valid passed");
  await expect(tab.getByTestId("event-log")).not.toContainText("no RSA signing key");
});

test("a long event log shows its newest 40 events, and all of them on request", async ({ page }) => {
  await firstLogin(page);
  await openPage(page, "Session");
  const log = page.getByTestId("event-log").locator("li");
  const earlier = page.getByRole("button", { name: /^Show \d+ earlier events$/ });
  for (let i = 0; i < 20 && (await earlier.count()) === 0; i++) {
    const before = await log.count();
    await page.getByRole("button", { name: "Renew now" }).click();
    await expect.poll(async () => (await log.count()) > before || (await earlier.count()) > 0).toBe(true);
    await expect(page.getByTestId("renewal-state")).toContainText("next renewal in");
  }
  await expect(log).toHaveCount(40);
  const hidden = Number((await earlier.textContent())?.match(/\d+/)?.[0]);
  expect(hidden).toBeGreaterThan(0);
  await earlier.click();
  await expect(log).toHaveCount(40 + hidden);
  await page.getByRole("button", { name: "Show only the latest 40" }).click();
  await expect(log).toHaveCount(40);
});

test("a 403 insufficient_scope leads to a login asking for that scope, then the call succeeds", async ({ page }) => {
  await firstLogin(page);
  await openPage(page, "API");
  await page.getByLabel("New message (needs write:messages)").fill("hello from the test");
  await page.getByRole("button", { name: "POST /api/messages" }).click();
  await expect(page.getByTestId("api-status")).toHaveText("403");
  await expect(page.getByTestId("www-authenticate")).toContainText('error="insufficient_scope"');

  await page.getByRole("button", { name: "Log in again asking for write:messages" }).click();
  // Incremental consent: the consent page lists the new scope.
  await expect(page.getByRole("heading", { name: /^Authorize / })).toBeVisible();
  await expect(page.locator("ul.scopes")).toContainText("write:messages");
  await expect(page.locator("ul.scopes li", { hasText: "write:messages" }).locator(".badge.new")).toBeVisible();
  await expect(page.locator("ul.scopes .badge.new")).toHaveCount(1);
  await page.getByRole("button", { name: "Allow" }).click();

  await expect(page).toHaveURL(`${SPA}/api`);
  await page.getByLabel("New message (needs write:messages)").fill("hello again");
  await page.getByRole("button", { name: "POST /api/messages" }).click();
  await expect(page.getByTestId("api-status")).toHaveText(/^20[01]$/);
  expect(await callApi(page, "GET /api/messages")).toBe("200");
  await expect(page.getByTestId("api-body")).toContainText("hello again");
});

test("an error description with HTML in it is shown as text, never run", async ({ page }) => {
  const hostile = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
  await denyWithDescription(page, hostile);
  await page.goto("/");
  await waitForApp(page);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("error-description")).toHaveText(hostile);
  await expect(page.getByTestId("callback-error").locator("img, b")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test("no token, state or nonce ends up in either event log or in storage", async ({ page, request }) => {
  // Every secret value of the flow, as the browser saw it go by.
  const secrets = new Set<string>();
  const collect = (params: URLSearchParams, names: string[]) => {
    for (const name of names) {
      const value = params.get(name);
      if (value) secrets.add(value);
    }
  };
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.origin === ISSUER && url.pathname === "/authorize") collect(url.searchParams, ["state", "nonce"]);
  });
  page.on("framenavigated", (frame) => {
    const url = frame.url();
    if (url.includes("#")) {
      collect(new URLSearchParams(url.slice(url.indexOf("#") + 1)), ["access_token", "id_token", "state"]);
    }
  });
  await firstLogin(page);
  await openPage(page, "API");
  await page.getByRole("button", { name: "GET /api/private", exact: true }).click();
  await expect(page.getByTestId("api-status")).toHaveText("200");
  // The login's tokens went by (three-part JWTs), so the check below has teeth.
  expect([...secrets].filter((s) => s.split(".").length === 3).length).toBeGreaterThanOrEqual(2);

  const storage = await page.evaluate(() => JSON.stringify({ session: { ...sessionStorage }, local: { ...localStorage } }));
  const issuerLog = await (await request.get(`${ISSUER}/dev/events?limit=100000`)).text();
  expect(storage).toContain("implicit.events");
  expect(issuerLog).toContain("tokens_issued");
  for (const secret of secrets) {
    expect(storage.includes(secret), `storage holds ${secret.slice(0, 6)}…`).toBe(false);
    expect(issuerLog.includes(secret), `the issuer's log holds ${secret.slice(0, 6)}…`).toBe(false);
  }
});

test("an API that accepts the call and never answers is given up after 15 s, and the next call goes through", async ({ page }) => {
  test.setTimeout(60_000);
  // The first call hangs for good; the ones after it pass.
  await hangFirst(page, `${API}/api/public`);
  await page.goto("/");
  await waitForApp(page);
  await openPage(page, "API");
  await page.getByRole("button", { name: "GET /api/public", exact: true }).click();
  await expect(page.getByTestId("api-failed")).toHaveText(
    `The call failed: ${API}/api/public did not answer within 15 s`,
    { timeout: 20_000 },
  );
  // Nothing is left waiting: the next call is answered.
  expect(await callApi(page, "GET /api/public")).toBe("200");
});
