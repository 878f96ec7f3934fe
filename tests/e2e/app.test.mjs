// tests/e2e/app.test.mjs: a new user's walk through `willis serve` in Debian's chromium.
// Run by run-e2e.sh with BASE_URL (the server), ARTIFACTS (a folder) and CHROMIUM (the binary).
// The tests run in order and share one browser page, as one person would.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const BASE = process.env.BASE_URL.replace(/\/$/, "");
const ARTIFACTS = process.env.ARTIFACTS;
const TODAY = process.env.WILLIS_TODAY; // the server's "today" (run-e2e.sh fixes it)
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

let context;
let page;
let userDataDir;
const consoleErrors = [];

function addDays(isoDate, days) {
  const date = new Date(`${isoDate}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function minutes(hhmm) {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

/// axe-core on the current page: no serious or critical violations.
async function checkAccessibility(name) {
  await page.evaluate(AXE);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  assert.deepEqual(summary, [], `${name}: axe found serious/critical violations`);
  return results.violations.length;
}

/// Every visible form field has a label (or an aria-label).
async function checkLabels(name) {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll("input, select, textarea")]
      .filter((el) => el.type !== "hidden" && !el.closest("template"))
      .filter((el) => (el.labels ? el.labels.length : 0) === 0 && !el.getAttribute("aria-label"))
      .map((el) => el.name || el.id));
  assert.deepEqual(unlabelled, [], `${name}: unlabelled fields`);
}

async function screenshots(name) {
  for (const [label, size] of [["390x844", PHONE], ["1280x800", DESKTOP]]) {
    await page.setViewportSize(size);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${label}.png`), fullPage: label === "1280x800" });
  }
  await page.setViewportSize(DESKTOP);
}

/// Presses Tab until the focused element matches `predicate` (bounded); returns the presses.
async function tabTo(description, predicate, arg) {
  for (let presses = 1; presses <= 120; presses++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(predicate, arg)) return presses;
  }
  assert.fail(`keyboard: could not Tab to ${description}`);
}

before(async () => {
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "willis-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: DESKTOP,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  context.setDefaultTimeout(10000);
  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => consoleErrors.push(String(err)));
});

after(async () => {
  await context?.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

test("start page says what willis does and does not do", async () => {
  const response = await page.goto(`${BASE}/`);
  assert.equal(response.status(), 200);
  const csp = response.headers()["content-security-policy"];
  assert.match(csp, /default-src 'self'/);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await page.getByRole("heading", { level: 1 }).waitFor();
  assert.match(await page.textContent("header .disclaimer"), /Information, not a diagnosis/);
  assert.ok(await page.isVisible("text=What willis does not do"));
  await checkAccessibility("start");
  await screenshots("start");
});

test("profile: red flags first, then a keyboard-only walk adding two medicines with times", async () => {
  await page.goto(`${BASE}/profile`);
  const firstLegend = await page.textContent("form.profile fieldset legend");
  assert.match(firstLegend, /do you have any of these/i, "red-flag questions come first");
  await checkLabels("profile");
  await checkAccessibility("profile");
  await screenshots("profile");

  // Keyboard only from here: Tab to each field, type, Enter on buttons.
  await page.focus("body");
  let presses = await tabTo("age", () => document.activeElement?.name === "age");
  await page.keyboard.type("54");
  // Visible focus: the focused field gets an outline or a focus ring.
  const ring = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return style.outlineStyle !== "none" || style.boxShadow !== "none";
  });
  assert.ok(ring, "focus is visible");
  presses += await tabTo("the first medicine", () => document.activeElement?.name === "medicines[0].name");
  await page.keyboard.type("Levothyroxine 75 microgram tablets");
  presses += await tabTo("its times", () => document.activeElement?.name === "medicines[0].times");
  await page.keyboard.type("07:00");
  presses += await tabTo("Add a medicine", () => document.activeElement?.getAttribute("data-add") === "medicines");
  await page.keyboard.press("Enter");
  // The new row has focus.
  assert.equal(await page.evaluate(() => document.activeElement?.name), "medicines[1].name");
  await page.keyboard.type("Ciprofloxacin 500 mg tablets");
  presses += await tabTo("its times", () => document.activeElement?.name === "medicines[1].times");
  await page.keyboard.type("08:00, 20:00");
  // Remove and re-add works too: add a third row, then remove it with the keyboard.
  presses += await tabTo("Add a medicine", () => document.activeElement?.getAttribute("data-add") === "medicines");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement?.name), "medicines[2].name");
  await page.keyboard.type("Omeprazole 20 mg");
  presses += await tabTo("Remove medicine 3", () => document.activeElement?.value === "remove-medicine-2");
  await page.keyboard.press("Enter");
  assert.equal(await page.locator('ol[data-list="medicines"] > li.row').count(), 2);
  presses += await tabTo("usual wake time", () => document.activeElement?.name === "day.wake");
  await page.keyboard.type("07:00");
  presses += await tabTo("usual bedtime", () => document.activeElement?.name === "day.sleep");
  await page.keyboard.type("23:00");
  presses += await tabTo("Save", () => document.activeElement?.id === "save-profile");
  await Promise.all([page.waitForURL(`${BASE}/assessment`), page.keyboard.press("Enter")]);
  assert.ok(presses > 0);
  console.log(`# keyboard path through the profile: ${presses} Tab presses`);
});

test("assessment: interaction cards with expandable citations", async () => {
  await page.waitForSelector("h1:has-text('Your assessment')");
  const cipro = page.locator('[data-finding="interaction:ciprofloxacin"]');
  const levo = page.locator('[data-finding="interaction:levothyroxine"]');
  assert.ok(await cipro.isVisible(), "ciprofloxacin card");
  assert.ok(await levo.isVisible(), "levothyroxine card");
  assert.match(await cipro.locator(".sev").textContent(), /caution|avoid|urgent/i, "severity in words");
  await cipro.locator("details.sources summary").click();
  const link = cipro.locator("details.sources a[href^='http']").first();
  assert.ok(await link.isVisible(), "a citation links to its source");
  await checkAccessibility("assessment");
  await screenshots("assessment");
});

test("timetable: both windows kept, and the .ics holds daily events outside them", async () => {
  await page.goto(`${BASE}/timetable`);
  assert.ok(await page.isVisible("figure.timetable svg"));
  const windows = await page.locator("svg.timetable rect[fill='url(#tt-hatch)']").count();
  assert.ok(windows >= 3, `keep-apart windows drawn: ${windows}`);
  await checkAccessibility("timetable");
  await screenshots("timetable");

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#ics-download")]);
  const file = path.join(ARTIFACTS, "willis-timetable.ics");
  await download.saveAs(file);
  const ics = fs.readFileSync(file, "utf8");
  assert.ok(ics.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
  assert.equal(ics.split("\n").length, ics.split("\r\n").length, "CRLF line ends");
  for (const line of ics.split("\r\n")) assert.ok(Buffer.byteLength(line) <= 75, `folded: ${line}`);
  const unfolded = ics.replace(/\r\n[ \t]/g, "");
  const events = unfolded.split("BEGIN:VEVENT").slice(1);
  const summaries = events.map((e) => /SUMMARY:(.*)\r\n/.exec(e)[1]);
  assert.ok(summaries.includes("Levothyroxine 75 microgram tablets"));
  assert.equal(summaries.filter((s) => s === "Ciprofloxacin 500 mg tablets").length, 2);
  for (const event of events) assert.match(event, /RRULE:FREQ=DAILY\r\n/);
  const doses = events.filter((e) => /SUMMARY:Magnesium/.test(e)).map((e) => /DTSTART:\d{8}T(\d\d)(\d\d)00\r\n/.exec(e));
  assert.ok(doses.length >= 1, "at least one magnesium dose");

  // The doses respect every window the assessment reports (contract: schedule.keep_apart).
  const assessment = await (await page.request.get(`${BASE}/api/assessment`)).json();
  const keep = assessment.schedule.keep_apart;
  assert.ok(keep.some((k) => k.medicine === "ciprofloxacin") && keep.some((k) => k.medicine === "levothyroxine"));
  for (const [, hh, mm] of doses) {
    const t = Number(hh) * 60 + Number(mm);
    for (const k of keep) {
      const from = minutes(k.from), to = minutes(k.to);
      const inside = from <= to ? t >= from && t < to : t >= from || t < to;
      assert.ok(!inside, `dose ${hh}:${mm} inside ${k.name} window ${k.from}-${k.to}`);
    }
  }
});

test("diary: two weeks of entries on a phone, then the history and the chart", async () => {
  await page.setViewportSize(PHONE);
  await page.goto(`${BASE}/diary`);
  for (let back = 14; back >= 1; back--) {
    // Saving lands on the diary again, ready for the next entry.
    const date = addDays(TODAY, -back);
    await page.fill("input[name='date']", date);
    await page.check(`input[name='rls'][value='${(back % 5) + 3}']`);
    await page.check(`input[name='sleep_quality'][value='${(back % 3) + 2}']`);
    await page.fill("input[name='bed']", "23:00");
    await page.fill("input[name='wake']", "06:45");
    await page.fill("input[name='magnesium_mg']", back > 6 ? "0" : "200");
    await Promise.all([page.waitForURL(/\/diary\?saved=/), page.click("#save-entry")]);
    assert.match(await page.textContent("p.notice"), new RegExp(`Saved the entry for ${date}`));
  }
  const rows = await page.locator("table.history tbody tr").count();
  assert.equal(rows, 14);
  assert.ok(await page.isVisible("figure.chart svg"));
  const dots = await page.locator("figure.chart svg circle").count();
  assert.ok(dots >= 14, `chart dots: ${dots}`);
  await checkLabels("diary");
  await checkAccessibility("diary");
  await page.setViewportSize(DESKTOP);
  await screenshots("diary");
});

test("trial: plan it, then see progress and the chart", async () => {
  await page.goto(`${BASE}/trial`);
  await page.fill("input[name='baseline_start']", addDays(TODAY, -14));
  await page.fill("input[name='treatment_start']", addDays(TODAY, -6));
  await Promise.all([page.waitForURL(/\/trial\?saved=/), page.click("#start-trial")]);
  assert.ok(await page.isVisible("h2:has-text('Progress')"));
  assert.ok(await page.isVisible("figure.chart svg"));
  await checkLabels("trial");
  await checkAccessibility("trial");
  await screenshots("trial");
});

test("report: one printable page with numbered citations (A4 and Letter)", async () => {
  await page.goto(`${BASE}/report`);
  await page.waitForSelector("article.report");
  assert.ok((await page.locator("ol.references li").count()) >= 3, "numbered references");
  assert.ok(await page.isVisible("text=Ciprofloxacin 500 mg tablets at 08:00, 20:00"));
  assert.match(await page.textContent(".report-head"), /not a diagnosis/);
  await checkAccessibility("report");
  await screenshots("report");
  for (const paper of ["a4", "letter"]) {
    await page.goto(`${BASE}/report?paper=${paper}`);
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.isVisible("nav"), false, "navigation hidden in print");
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    fs.writeFileSync(path.join(ARTIFACTS, `report-${paper}.pdf`), pdf);
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
    console.log(`# report on ${paper}: ${pages} page(s), ${pdf.length} bytes`);
    assert.equal(pages, 1, `the report fits one ${paper} page`);
    await page.emulateMedia({ media: "screen" });
  }
});

test("evidence: filter the claims, follow a citation, see the conflicts", async () => {
  await page.goto(`${BASE}/evidence`);
  const all = await page.locator("article.claim").count();
  assert.ok(all >= 20, `only ${all} claims`);
  await checkAccessibility("evidence");
  await checkLabels("evidence");
  await page.selectOption("#f-verdict", "contradicted");
  await page.click("form.claim-filter button[type=submit]");
  const contradicted = await page.locator("article.claim").count();
  assert.ok(contradicted > 0 && contradicted < all, `${contradicted} of ${all}`);
  assert.equal(await page.locator('article.claim:not([data-verdict="contradicted"])').count(), 0);
  assert.equal(await page.locator("#f-verdict").inputValue(), "contradicted", "the filter shows what it filters");
  await screenshots("evidence");
  // A claim's citation leads to that source on the Sources page.
  const href = await page.locator("article.claim a[href^='/sources#']").first().getAttribute("href");
  await page.goto(`${BASE}${href}`);
  assert.equal(await page.locator(`dt[id="${href.split("#")[1]}"]`).count(), 1, href);
  await checkAccessibility("sources");
  await page.goto(`${BASE}/conflicts`);
  assert.ok((await page.locator("section.conflict").count()) >= 1);
  assert.ok((await page.locator("section.conflict tr.applied").count()) >= 1, "what willis applies is marked");
  await checkAccessibility("conflicts");
});

test("ask: the box on every page answers from the knowledge base, with sources", async () => {
  await page.goto(`${BASE}/timetable`);
  await page.fill("#ask-q", "can I take magnesium with levothyroxine?");
  await page.press("#ask-q", "Enter");
  await page.waitForURL(/\/ask\?q=/);
  const first = await page.locator("li.answer").first().innerText();
  assert.match(first, /levothyroxine/i);
  assert.match(first, /4 hours/, "the window of the levothyroxine labels");
  assert.ok((await page.locator("li.answer a[href^='/sources#']").count()) >= 1, "cited");
  assert.equal(await page.locator("#ask-q").inputValue(), "can I take magnesium with levothyroxine?");
  await checkAccessibility("ask");
  await page.goto(`${BASE}/ask?q=${encodeURIComponent("what is the capital of France?")}`);
  assert.ok(await page.isVisible(".no-match"), "an off-topic question gets no answer, not a guess");
});

test("food picker: add foods with portions, and the total fills the profile's diet field", async () => {
  await page.goto(`${BASE}/profile`);
  await page.click("text=Work it out from what you eat");
  await page.waitForURL(/\/foods/);
  await page.fill("#food-q", "almonds");
  await page.press("#food-q", "Enter");
  // USDA SR28: almonds (12061) 270 mg and raw spinach (11457) 79 mg of magnesium per 100 g.
  const almonds = page.locator('li.food[data-ndb-no="12061"]');
  await almonds.locator("select").selectOption("0");  // 100 g
  await almonds.locator("input[type=number]").fill("0.5");
  await almonds.locator("button").click();
  await page.fill("#food-q", "spinach raw");
  await page.press("#food-q", "Enter");
  const spinach = page.locator('li.food[data-ndb-no="11457"]');
  await spinach.locator("select").selectOption("0");
  await spinach.locator("input[type=number]").fill("2");
  await spinach.locator("button").click();
  await checkAccessibility("foods");
  await checkLabels("foods");
  await screenshots("foods");
  // 0.5 x 270 + 2 x 79 = 293 mg a day.
  assert.match(await page.locator(".food-estimate tfoot").innerText(), /293 mg/);
  await page.click("text=Use 293 mg a day in my profile");
  await page.waitForURL(/\/profile\?diet=293/);
  assert.equal(await page.locator("#f-diet-magnesium_mg_per_day").inputValue(), "293");
  // Remove one food: the list and the total follow.
  await page.goBack();
  await page.click('button[aria-label="Remove Nuts, almonds"]');
  assert.match(await page.locator(".food-estimate tfoot").innerText(), /158 mg/);
});

test("a profile full of <script> strings renders inert", async () => {
  const session = await (await page.request.get(`${BASE}/api/session`)).json();
  const hostile = {
    age: 54,
    conditions: ["<img src=x onerror=\"window.__pwned=1\">"],
    medicines: [{ name: "<script>window.__pwned=1</script>", times: ["08:00"] }],
    supplements: [{ name: "\"><svg onload=window.__pwned=1>", amount_mg: 100 }],
  };
  const saved = await page.request.post(`${BASE}/api/profile`, {
    headers: { "X-CSRF-Token": session.csrf, "Content-Type": "application/json" },
    data: JSON.stringify(hostile),
  });
  assert.equal(saved.status(), 200);
  let dialogs = 0;
  page.on("dialog", async (dialog) => { dialogs++; await dialog.dismiss(); });
  for (const where of ["/profile", "/assessment", "/timetable", "/report"]) {
    await page.goto(`${BASE}${where}`);
    assert.equal(await page.evaluate(() => window.__pwned), undefined, `${where}: injected code ran`);
    assert.equal(await page.locator("main script, main img, main svg[onload]").count(), 0, where);
  }
  assert.ok(await page.isVisible("text=<script>window.__pwned=1</script>"), "shown as text");
  assert.equal(dialogs, 0);
});

test("sleep: the sleep questions on a phone, then CBT-I and a sleep-apnoea flag, and a sleep-judged trial", async () => {
  await page.setViewportSize(PHONE);
  await page.goto(`${BASE}/profile`);
  assert.ok(await page.isVisible("#sleep-section legend:has-text('Sleep')"));
  // The Epworth total is a number only: its licensed items are never shown.
  assert.equal(await page.locator("#sleep-section select, #sleep-section input").count() > 10, true);
  await page.locator("input[name='sleep.difficulty'][value='falling_asleep']").scrollIntoViewIfNeeded();
  await page.check("input[name='sleep.difficulty'][value='falling_asleep']");
  await page.check("input[name='sleep.difficulty'][value='waking_early']");
  await page.fill("input[name='sleep.nights_per_week']", "4");
  await page.fill("input[name='sleep.months']", "6");
  await page.check("input[name='sleep.daytime_impact'][value='yes']");
  await page.check("input[name='sleep.snoring_loud'][value='yes']");
  await page.check("input[name='sleep.witnessed_pauses'][value='yes']");
  await page.check("input[name='sleep.sleepy_while_driving'][value='no']");
  await page.fill("input[name='sleep.epworth_total']", "9");
  // Every sleep field fits the phone screen (no sideways scrolling).
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, "the sleep questions fit a 390 px screen");
  await checkLabels("profile-sleep");
  await Promise.all([page.waitForURL(`${BASE}/assessment`), page.click("#save-profile")]);
  const text = await page.textContent("main");
  assert.match(text, /CBT-I/, "CBT-I is named");
  assert.match(text, /first-line treatment for chronic insomnia/i);
  assert.match(text, /Possible sleep apnoea/);
  assert.match(text, /medical assessment before referral to a digital CBT-I programme/);
  await checkAccessibility("assessment-sleep");
  // Both difficulties ticked come back ticked (profile -> form -> profile keeps every one).
  await page.goto(`${BASE}/profile`);
  assert.equal(await page.isChecked("input[name='sleep.difficulty'][value='falling_asleep']"), true);
  assert.equal(await page.isChecked("input[name='sleep.difficulty'][value='waking_early']"), true);
  assert.equal(await page.isChecked("input[name='sleep.difficulty'][value='staying_asleep']"), false);
  await page.goto(`${BASE}/trial`);
  // A trial exists already (the trial test), so the plan form sits in a closed "replace" section.
  assert.equal(await page.locator("input[name='primary'][value='sleep_onset']").count(), 1);
  await page.setViewportSize(DESKTOP);
});

test("no script errors and no CSP violations in the console", async () => {
  assert.deepEqual(consoleErrors, []);
});
