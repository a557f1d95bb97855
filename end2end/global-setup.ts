import { API, ISSUER, SPA } from "./origins";

// cargo-leptos starts the server and the test command together; wait (up to
// two minutes, a cold start included) until each origin answers.
async function waitFor(url: string, deadline: number): Promise<void> {
  let last = "";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer: ${last}`);
}

export default async function globalSetup(): Promise<void> {
  const deadline = Date.now() + 120_000;
  await Promise.all([
    waitFor(SPA, deadline),
    waitFor(`${ISSUER}/health`, deadline),
    waitFor(`${API}/health`, deadline),
  ]);
}
