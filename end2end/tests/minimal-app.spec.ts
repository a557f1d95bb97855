import { expect, test } from "../fixtures";
import { ALICE, logInAtIssuer, resetIssuer } from "../helpers";

// app/minimal-app: the auth client crate alone, no event log or playground,
// against the demo's issuer, calling server/minimal-api (both started by
// playwright.config.ts).
const MINIMAL = process.env.MINIMAL_APP_URL ?? "http://localhost:3100";

test.beforeEach(async ({ request }) => {
  await resetIssuer(request);
});

test("the minimal app logs in, calls its API, renews silently and logs out", async ({ page }) => {
  const silentRequests: string[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname === "/authorize" && url.searchParams.get("prompt") === "none") silentRequests.push(r.url());
  });
  await page.goto(`${MINIMAL}/`);
  // Hydrated: its page-load renewal (signed out at the issuer) has run.
  await expect.poll(() => silentRequests.length).toBe(1);
  await expect(page.getByTestId("status")).toHaveText("Signed out.");

  await page.getByRole("button", { name: "Log in" }).click();
  await logInAtIssuer(page, ALICE);
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByTestId("status")).toHaveText("Signed in as Alice Liddell");
  // Back on its own page, the tokens out of the address bar.
  expect(new URL(page.url()).pathname).toBe("/");
  expect(page.url()).not.toContain("access_token");

  // The minimal API accepts its token: `read:messages` was granted.
  await page.getByRole("button", { name: "Call the API" }).click();
  await expect(page.getByTestId("api-answer")).toHaveText("200 no messages yet for alice");

  // A silent renewal brings new tokens, fully validated, without a page.
  const before = await page.getByTestId("received-at").textContent();
  await page.getByRole("button", { name: "Renew now" }).click();
  await expect(page.getByTestId("received-at")).not.toHaveText(before ?? "");
  expect(silentRequests.length).toBe(2);
  await expect(page.getByTestId("problem")).toBeEmpty();
  await page.getByRole("button", { name: "Call the API" }).click();
  await expect(page.getByTestId("api-answer")).toHaveText("200 no messages yet for alice");

  // Logout ends the session at the issuer and comes back signed out.
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(`${MINIMAL}/`);
  await expect(page.getByTestId("status")).toHaveText("Signed out.");
});

test("the minimal app refuses a replayed callback and keeps no token", async ({ page }) => {
  // A response whose state this tab never sent: an injected or replayed one.
  await page.goto(`${MINIMAL}/callback#access_token=forged&token_type=Bearer&state=never-sent`);
  await expect(page.getByTestId("callback")).toHaveText(
    "Refused: state does not match any login started in this tab: a forged, replayed or stale response",
  );
  expect(page.url()).not.toContain("access_token");
  await page.goto(`${MINIMAL}/`);
  await expect(page.getByTestId("status")).toHaveText("Signed out.");
});
