// Size is part of the test suite (as nanoid/nanoevents do it): the budgets of test/size/budgets.json, measured
// as `npm run size` measures them. An exceeded budget fails here with the overage and the heaviest files; the
// fix is cutting code, never raising the number.
import { beforeAll, describe, expect, it } from "vitest";
import { checkBudgets, heaviestModules, loadBudgets } from "../size/budget-check.mjs";
import type { BudgetResult } from "../size/index.mjs";
import { measureAll } from "../size/measure.mjs";

const EXPECTED_IDS = ["client+websocket", "umd"];
let results: BudgetResult[] = [];
let notes: string[] = [];

beforeAll(async () => {
  const measured = await measureAll({ budgetedOnly: true });
  results = checkBudgets(measured.rows, loadBudgets());
  notes = measured.notes;
}, 180_000);

async function explain(r: BudgetResult): Promise<string> {
  if (r.over <= 0) return "";
  const files = (await heaviestModules(r.id)).map((m) => `  ${String(m.bytes).padStart(6)}  ${m.path}`).join("\n");
  return `${r.label}: ${r.actual} B gzip > budget ${r.budget} B (over by ${r.over} B). Heaviest files (minified bytes):\n${files}`;
}

describe("size budgets (min+gzip)", () => {
  it("measures every budgeted entry", () => {
    for (const id of EXPECTED_IDS) expect(results.map((r) => r.id), `${id} measured (${notes.join("; ")})`).toContain(id);
  });

  for (const [title, pick] of [
    ["@omnio/client + @omnio/websocket (connect, emit/on, acks, namespaces, reconnection)", (r: BudgetResult) => r.id === "client+websocket"],
    ["each further transport on top of client + websocket", (r: BudgetResult) => r.id.startsWith("client+websocket+")],
    ["the CDN file omnio.min.js (every transport and the ranking)", (r: BudgetResult) => r.id === "umd"],
  ] as const) {
    it(title, { timeout: 120_000 }, async () => {
      const mine = results.filter(pick);
      const explanations = (await Promise.all(mine.map(explain))).filter(Boolean);
      expect(explanations.join("\n\n"), "budgets exceeded").toBe("");
    });
  }
});
