import { createHash } from "node:crypto";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "../fixtures";
import { ISSUER } from "../origins";
import { countLogLines, firstLogin, openPage, resetIssuer } from "../helpers";

// What the live timeline will stand on: each step of a flow in the SPA's
// log and each of the issuer's decisions on the same request carry one tx,
// the first 8 hex digits of the SHA-256 of the request's state.

test.beforeEach(async ({ request }) => {
  await resetIssuer(request);
});

type Sent = { tx: string; silent: boolean };

/** The tx of every authorization request the page (or its iframes) sends, in order. */
function collectTxs(page: Page): Sent[] {
  const sent: Sent[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    const state = url.searchParams.get("state");
    if (url.origin === ISSUER && url.pathname === "/authorize" && state) {
      const tx = createHash("sha256").update(state).digest("hex").slice(0, 8);
      sent.push({ tx, silent: url.searchParams.get("prompt") === "none" });
    }
  });
  return sent;
}

/** The types of the issuer's decisions on the request with this tx, in order. */
async function issuerDecisions(request: APIRequestContext, tx: string): Promise<string[]> {
  const response = await request.get(`${ISSUER}/dev/events?limit=1000`);
  expect(response.ok()).toBeTruthy();
  const events: Array<{ type: string; tx?: string }> = (await response.json()).events;
  return events.filter((e) => e.tx === tx).map((e) => e.type);
}

/** The summaries of the SPA's log lines tagged with this flow, in order. */
async function stepsOf(page: Page, flow: string): Promise<string[]> {
  const tag = page.getByTestId("event-flow").filter({ hasText: new RegExp(`^${flow}$`) });
  const lines = page.getByTestId("event-log").getByRole("listitem").filter({ has: tag });
  return (await lines.locator(".summary").allTextContents()).map((text) => text.replace(` ${flow}`, "").trim());
}

/** Whether `steps` has a step starting with each of `expected`, in that order. */
function inOrder(steps: string[], expected: string[]): boolean {
  let next = 0;
  for (const step of steps) {
    if (next < expected.length && step.startsWith(expected[next])) next++;
  }
  return next === expected.length;
}

async function flowOf(page: Page, step: string): Promise<string | null> {
  const line = page.getByTestId("event-log").getByRole("listitem").filter({ hasText: step });
  await expect(line, step).toHaveCount(1);
  return line.getByTestId("event-flow").textContent();
}

test("a login's steps in the SPA and the issuer's decisions on it carry the same tx, and a renewal has its own", async ({
  page,
  request,
}) => {
  const sent = collectTxs(page);
  await firstLogin(page);
  // The page load's session check (silent, login_required), then the login.
  expect(sent.map((s) => s.silent)).toEqual([true, false]);
  const login = sent[1].tx;
  expect(await issuerDecisions(request, sent[0].tx)).toEqual([
    "authorize_received",
    "client_validated",
    // Why: no cookie came, and the browser would have sent one.
    "no_session",
    "silent_authentication",
  ]);
  const loginSteps = await stepsOf(page, `login ${login}`);
  const expected = ["Redirect to ", "Read the fragment", "state matches", "id_token: nonce matches passed", "Signed in as"];
  expect(inOrder(loginSteps, expected), loginSteps.join("\n")).toBeTruthy();
  expect(await issuerDecisions(request, login)).toEqual([
    "authorize_received",
    "client_validated",
    "login_required",
    "login_shown",
    "login_succeeded",
    "consent_shown",
    "consent_granted",
    "tokens_issued",
  ]);

  await openPage(page, "Session");
  await page.getByRole("button", { name: "Renew now" }).click();
  await expect.poll(() => countLogLines(page, "Silent authentication succeeded")).toBe(1);
  expect(sent).toHaveLength(3);
  const silent = sent[2].tx;
  expect(new Set(sent.map((s) => s.tx)).size).toBe(3);
  const silentSteps = await stepsOf(page, `silent ${silent}`);
  const renewal = ["Silent authentication (", "Read the fragment", "state matches", "id_token: nonce matches passed", "Silent authentication succeeded"];
  expect(inOrder(silentSteps, renewal), silentSteps.join("\n")).toBeTruthy();
  // The page load's check is a flow of its own, ended by login_required.
  const check = await stepsOf(page, `silent ${sent[0].tx}`);
  expect(inOrder(check, ["Silent authentication (", "state matches", "The provider answered login_required"]), check.join("\n")).toBeTruthy();
  expect(await issuerDecisions(request, silent)).toEqual([
    "authorize_received",
    "client_validated",
    "consent_remembered",
    "tokens_issued",
    "silent_authentication",
  ]);
});

test("a response that names no request of this tab is logged under the tx of the state it carries", async ({ page }) => {
  await page.goto("/callback#access_token=x.y.z&token_type=Bearer&state=forged-state");
  await expect(page.getByTestId("refusal-reason")).toContainText("state does not match");
  const forged = createHash("sha256").update("forged-state").digest("hex").slice(0, 8);
  expect(await flowOf(page, "state refused")).toBe(`login ${forged}`);
});
