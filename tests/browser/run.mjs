// Rights Monitor in a real browser (headless Chromium driven by playwright-core):
//  1. axe-core's WCAG 2.2 AA rules on every page type, in English, Dutch and Hungarian, at 1280
//     and at 375 CSS pixels wide: 0 violations;
//  2. every page type at 320 CSS pixels wide without sideways scrolling of the page;
//  3. every page type with JavaScript disabled, and the walkthrough with JavaScript disabled:
//     an editor signs in, enters a value and submits it, the city's coordinator validates and
//     publishes it, and it appears on the public pages;
//  4. no Content-Security-Policy violation on any page with JavaScript on;
//  5. an import uploaded and followed to its report without JavaScript, its report page under axe;
//  6. a user's own account without JavaScript: a new password (with the current one), signing
//     in with it, the network coordinator's audit log, and the account erased;
//  7. each person's job, with JavaScript and without: a civil-society member files a value beside
//     the official one and the city replies; an editor saves a draft, reopens and changes it and
//     submits it; a value returned for correction is corrected and submitted again;
//     a coordinator proposes a city indicator through the form, civil society endorses, it is
//     adopted; a coordinator adds an organisation and assigns three indicators in one go; a
//     validator filters the queue and sees an outlier flag; a resident goes from the home page to
//     Ghent's non-discrimination theme, a chart and its CSV; the network coordinator sees which
//     cities are behind; a gap becomes a consultation, a recommendation, an action updated to
//     implemented with evidence, and the follow-up indicator's next value shows on it;
//  8. screenshots of the main pages in tests/browser/artifacts/.
//
// Usage: node tests/browser/run.mjs   (RIGHTSMON_BIN: the binary, default target/debug/rightsmon;
// CHROMIUM: the browser, default /usr/bin/chromium; RIGHTSMON_BROWSER_ONLY=accountability: that job alone)
import { chromium } from "playwright-core";
import { execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const binary = process.env.RIGHTSMON_BIN || path.join(root, "target/debug/rightsmon");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const artifacts = path.join(here, "artifacts");
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const PASSWORD = "rightsmon-demo";
const LANGUAGES = ["en", "nl", "hu"];

const failures = [];
function fail(message) {
  failures.push(message);
  console.log(`  FAIL ${message}`);
}
function check(condition, message) {
  if (!condition) fail(message);
  return condition;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startServer() {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "rightsmon-browser-"));
  const child = spawn(binary, ["demo", "--bind", `127.0.0.1:${port}`, "--data-dir", dataDir], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, RUST_LOG: "warn" },
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`rightsmon demo stopped:\n${output}`);
    try {
      const reply = await fetch(`${base}/healthz`);
      if (reply.ok) return { base, child, dataDir };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`rightsmon demo did not answer within 60 s:\n${output}`);
}

async function json(base, url) {
  const reply = await fetch(base + url);
  if (!reply.ok) throw new Error(`${url}: ${reply.status}`);
  return reply.json();
}

async function signIn(page, base, username, password = PASSWORD) {
  await page.goto(`${base}/login`);
  await page.fill("#username", username);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("form.stacked-form button[type=submit]")]);
  if (!check(new URL(page.url()).pathname !== "/login", `${username} could not sign in`)) {
    throw new Error("sign-in failed");
  }
}

/** The page types: name, URL, and whether they need a signed-in user (and which). */
async function pageTypes(base) {
  const proposals = await json(base, "/api/v1/proposals");
  const proposal = (proposals.items || proposals)[0];
  const cycles = await json(base, "/api/v1/cities/ghent/cycles");
  const cycle = (cycles.items || cycles)[0];
  const types = [
    { name: "home", url: "/" },
    { name: "city", url: "/cities/ghent" },
    { name: "indicator-in-city", url: "/cities/ghent/indicators/RM-HOU-01" },
    { name: "yes-no-indicator-in-city", url: "/cities/ghent/indicators/RM-NDI-01" },
    { name: "indicator-without-values", url: "/cities/padova/indicators/RM-NDI-02" },
    { name: "indicator-in-city-for-civil-society", url: "/cities/ghent/indicators/RM-HOU-01", user: "ghent-cso" },
    { name: "indicator-in-city-for-the-city", url: "/cities/ghent/indicators/RM-HOU-01", user: "ghent-coordinator" },
    { name: "civil-society-workspace", url: "/workspace", user: "ghent-cso" },
    { name: "reporting", url: "/reporting" },
    { name: "city-reporting", url: "/cities/ghent/reporting" },
    { name: "city-reporting-for-members", url: "/cities/ghent/reporting", user: "ghent-coordinator" },
    { name: "theme", url: "/themes/NON_DISCRIMINATION" },
    { name: "city-theme", url: "/cities/ghent/themes/NON_DISCRIMINATION" },
    { name: "new-proposal-for-a-coordinator", url: "/proposals/new?city=ghent", user: "ghent-coordinator" },
    { name: "right", url: "/rights/CFR-34" },
    { name: "comparison", url: "/indicators/RM-HOU-01/comparison?city=ghent&ranks=true" },
    { name: "catalogue", url: "/indicators" },
    { name: "indicator", url: "/indicators/RM-HOU-01" },
    { name: "proposals", url: "/proposals" },
    { name: "methods", url: "/methods" },
    { name: "method", url: "/methods/open-sdg-cagr-score" },
    { name: "login", url: "/login" },
    { name: "not-found", url: "/cities/atlantis", status: 404 },
    { name: "workspace", url: "/workspace", user: "ghent-coordinator" },
    { name: "entry", url: "/workspace/values/new?indicator=RM-HOU-01", user: "ghent-editor" },
    { name: "entry-every-breakdown", url: "/workspace/values/new?indicator=RM-NDI-05&area=ghent&period=2024", user: "ghent-editor" },
    { name: "value-history", url: "/values/1", user: "ghent-coordinator" },
    { name: "queue", url: "/workspace/queue", user: "ghent-coordinator" },
    { name: "cycles", url: "/workspace/cycles", user: "ghent-coordinator" },
    { name: "districts", url: "/workspace/districts", user: "ghent-coordinator" },
    { name: "import", url: "/workspace/imports/new", user: "ghent-editor" },
    { name: "new-proposal", url: "/proposals/new", user: "ghent-cso" },
    { name: "account", url: "/account", user: "ghent-cso" },
    { name: "audit", url: "/workspace/audit", user: "coordinator" },
  ];
  const tracker = await json(base, "/api/v1/recommendations");
  const recommendation = tracker.items.find((row) => row.recommendation.consultation_id);
  if (recommendation) {
    const id = recommendation.recommendation.id;
    types.push({ name: "recommendation", url: `/recommendations/${id}` });
    types.push({ name: "recommendation-for-the-city", url: `/recommendations/${id}`, user: "ghent-coordinator" });
    types.push({ name: "consultation", url: `/consultations/${recommendation.recommendation.consultation_id}` });
  } else fail("the demo has no published recommendation from a consultation to look at");
  types.push({ name: "recommendations", url: "/recommendations" });
  types.push({ name: "recommendations-filtered", url: "/recommendations?status=in_progress&right=CFR-34" });
  types.push({ name: "new-recommendation", url: "/recommendations/new?city=ghent&indicator=RM-HOU-01", user: "ghent-cso" });
  types.push({ name: "consultations-for-civil-society", url: "/cities/ghent/consultations", user: "ghent-cso" });
  types.push({ name: "assessments", url: "/cities/ghent/assessments" });
  types.push({ name: "reports", url: "/cities/ghent/reports" });
  types.push({ name: "roadmap", url: "/roadmap" });
  types.push({ name: "network-reports-for-the-network", url: "/network/reports", user: "coordinator" });
  types.push({ name: "network-report", url: "/network/reports/1" });
  types.push({ name: "roadmap-for-the-network", url: "/roadmap", user: "coordinator" });
  types.push({ name: "city-roadmap-for-the-city", url: "/cities/ghent/roadmap", user: "ghent-coordinator" });
  types.push({ name: "practices", url: "/practices?theme=HOUSING" });
  types.push({ name: "practice", url: "/practices/1" });
  types.push({ name: "practice-for-civil-society", url: "/practices/1", user: "ghent-cso" });
  types.push({ name: "new-practice", url: "/practices/new", user: "ghent-cso" });
  types.push({ name: "surveys-for-the-city", url: "/cities/ghent/surveys", user: "ghent-editor" });
  types.push({ name: "survey-for-the-city", url: "/surveys/1", user: "ghent-coordinator" });
  types.push({ name: "indicator-with-survey-values", url: "/cities/ghent/indicators/RM-SAF-01" });
  types.push({ name: "reports-for-the-city", url: "/cities/ghent/reports", user: "ghent-coordinator" });
  const reports = await (await fetch(`${base}/cities/ghent/reports`)).text();
  const report = reports.match(/href="(\/reports\/\d+)"/);
  if (report) types.push({ name: "report", url: report[1] });
  else fail("the demo has no issued report to look at");
  types.push({ name: "assessments-for-civil-society", url: "/cities/ghent/assessments", user: "ghent-cso" });
  if (proposal) types.push({ name: "proposal", url: `/proposals/${proposal.id}` });
  else fail("the demo has no proposal to look at");
  if (cycle) types.push({ name: "cycle", url: `/workspace/cycles/${cycle.id}`, user: "ghent-coordinator" });
  else fail("the demo has no cycle of Ghent to look at");
  return types;
}

/** Forms in their error state: the login with a wrong password, and an entry with a bad value. */
async function errorStates(page, base, lang) {
  await page.goto(`${base}/login?lang=${lang}`);
  await page.fill("#username", "ghent-editor");
  await page.fill("#password", "not the password");
  await Promise.all([page.waitForNavigation(), page.click("form.stacked-form button[type=submit]")]);
  await axeCheck(page, `login-error (${lang})`);
  check((await page.locator(".error-summary").count()) === 1, `login-error (${lang}): no error summary`);
}

async function axeCheck(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } }),
  );
  for (const v of result.violations) {
    const nodes = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ");
    fail(`${label}: axe ${v.id} (${v.impact}): ${v.help} at ${nodes}`);
  }
  return result.violations.length;
}

async function reflowCheck(page, label) {
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
  check(widths.page <= widths.viewport, `${label}: at 320 px the page is ${widths.page} px wide and scrolls sideways`);
}

async function withUser(browser, base, user, options, work) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  try {
    if (user) await signIn(page, base, user);
    return await work(page, context);
  } finally {
    await context.close();
  }
}

async function accessibility(browser, base, types) {
  console.log("axe-core (WCAG 2.2 AA) at 1280 and 375 px, CSP and 320 px reflow on every page type, in English, Dutch and Hungarian");
  fs.mkdirSync(artifacts, { recursive: true });
  for (const lang of LANGUAGES) {
    const users = [...new Set(types.map((t) => t.user || null))];
    for (const user of users) {
      await withUser(browser, base, user, {}, async (page) => {
        const csp = [];
        page.on("console", (m) => {
          if (/Content[- ]Security[- ]Policy/i.test(m.text())) csp.push(m.text());
        });
        for (const type of types.filter((t) => (t.user || null) === user)) {
          const label = `${type.name} (${lang})`;
          const url = base + type.url + (type.url.includes("?") ? "&" : "?") + `lang=${lang}`;
          await page.setViewportSize({ width: 1280, height: 900 });
          const reply = await page.goto(url);
          check(reply.status() === (type.status || 200), `${label}: status ${reply.status()}`);
          check((await page.getAttribute("html", "lang")) === lang, `${label}: html lang is not ${lang}`);
          let count = await axeCheck(page, label);
          await page.screenshot({ path: path.join(artifacts, `${type.name}-${lang}.png`), fullPage: true });
          await page.setViewportSize({ width: 375, height: 740 });
          count += await axeCheck(page, `${label} at 375 px`);
          if (lang === "en") await page.screenshot({ path: path.join(artifacts, `${type.name}-${lang}-375.png`), fullPage: true });
          await page.setViewportSize({ width: 320, height: 640 });
          await reflowCheck(page, label);
          console.log(`  ${count === 0 ? "ok  " : "FAIL"} ${label}`);
        }
        for (const message of csp) fail(`${user || "anonymous"} (${lang}): ${message}`);
      });
    }
    await withUser(browser, base, null, {}, (page) => errorStates(page, base, lang));
    await withUser(browser, base, "ghent-editor", {}, async (page) => {
      await page.goto(`${base}/workspace/values/new?indicator=RM-HOU-01&lang=${lang}`);
      await page.fill("#field-period", "not a period");
      await Promise.all([page.waitForNavigation(), page.click("button[value=draft]")]);
      check((await page.locator(".error-summary").count()) === 1, `entry-error (${lang}): no error summary`);
      await axeCheck(page, `entry-error (${lang})`);
      console.log(`  ok   entry-error (${lang})`);
    });
  }
}

async function withoutJavaScript(browser, base, types) {
  console.log("every page type with JavaScript disabled");
  const users = [...new Set(types.map((t) => t.user || null))];
  for (const user of users) {
    await withUser(browser, base, user, { javaScriptEnabled: false }, async (page) => {
      for (const type of types.filter((t) => (t.user || null) === user)) {
        const reply = await page.goto(base + type.url);
        const ok =
          check(reply.status() === (type.status || 200), `${type.name} without JavaScript: status ${reply.status()}`) &&
          check((await page.locator("main h1").count()) === 1, `${type.name} without JavaScript: no heading in main`) &&
          check(!/>(status|method|findings|nav|table)-[a-z]/.test(await page.content()), `${type.name}: a message key shows instead of its words`);
        console.log(`  ${ok ? "ok  " : "FAIL"} ${type.name}`);
      }
    });
  }
}

async function walkthrough(browser, base) {
  console.log("walkthrough without JavaScript: enter, submit, validate, publish, see it in public");
  const options = { javaScriptEnabled: false };
  const value = "17.5";
  await withUser(browser, base, "ghent-editor", options, async (page) => {
    await page.goto(`${base}/workspace/values/new?indicator=RM-HOU-01`);
    await page.selectOption("#field-area", "ghent");
    await page.fill("#field-period", "2025");
    await page.locator("input[name='value.']").fill(value);
    await page.fill("#field-source_name", "Housing survey 2025");
    await Promise.all([page.waitForNavigation(), page.click("button[value=submit]")]);
    check((await page.locator(".error-summary").count()) === 0, `the editor's submission was refused: ${await page.locator("main").innerText()}`);
    await page.screenshot({ path: path.join(artifacts, "walkthrough-1-submitted.png"), fullPage: true });
  });
  await withUser(browser, base, "ghent-coordinator", options, async (page) => {
    for (const action of ["validate", "publish"]) {
      await page.goto(`${base}/workspace/queue`);
      const row = page.locator("tbody tr", { hasText: "RM-HOU-01" }).filter({ hasText: "2025" }).filter({ hasText: value });
      if (!check((await row.count()) === 1, `the queue shows ${await row.count()} rows for the submitted value (${action})`)) return;
      await row.locator("input[type=checkbox]").check();
      await Promise.all([page.waitForNavigation(), page.click(`button[value=${action}]`)]);
      check((await page.locator(".error-summary").count()) === 0, `${action} was refused: ${await page.locator("main").innerText()}`);
      await page.screenshot({ path: path.join(artifacts, `walkthrough-2-${action}.png`), fullPage: true });
    }
  });
  await withUser(browser, base, null, options, async (page) => {
    await page.goto(`${base}/cities/ghent`);
    const row = page.locator("tbody tr", { hasText: "RM-HOU-01" });
    const text = await row.innerText();
    check(text.includes("2025") && text.includes(value), `the published value is not on the city page: ${text}`);
    await page.goto(`${base}/cities/ghent/indicators/RM-HOU-01`);
    check((await page.content()).includes(`2025: ${value}`), "the published value is not in the indicator's findings");
    await page.screenshot({ path: path.join(artifacts, "walkthrough-3-public.png"), fullPage: true });
  });
  console.log(`  ${failures.length === 0 ? "ok  " : "FAIL"} walkthrough`);
}

async function importWithoutJavaScript(browser, base) {
  console.log("an import without JavaScript, and its report page");
  const csv = path.join(os.tmpdir(), `rightsmon-browser-import-${process.pid}.csv`);
  fs.writeFileSync(csv, "indicator,area,period,value,source_name\nRM-EDU-01,ghent,2025,9.5,School census 2025\n");
  try {
    await withUser(browser, base, "ghent-editor", { javaScriptEnabled: false }, async (page) => {
      await page.goto(`${base}/workspace/imports/new`);
      await page.setInputFiles("#field-file", csv);
      await Promise.all([page.waitForNavigation(), page.click("form.stacked-form button[type=submit]")]);
      check(/\/workspace\/imports\/[A-Za-z0-9_-]+$/.test(new URL(page.url()).pathname), `the upload did not lead to its report: ${page.url()}`);
      for (let i = 0; i < 50 && (await page.locator("#import-progress").count()) > 0; i++) {
        await new Promise((r) => setTimeout(r, 200));
        await page.reload();
      }
      const text = await page.locator("main").innerText();
      check((await page.locator("#import-progress").count()) === 0, `the import did not finish: ${text}`);
      check((await page.locator(".error-summary").count()) === 0, `the import failed: ${text}`);
      await page.screenshot({ path: path.join(artifacts, "import-report.png"), fullPage: true });
    });
    await withUser(browser, base, "ghent-editor", {}, async (page) => {
      await page.goto(`${base}/workspace/imports/new`);
      await page.setInputFiles("#field-file", csv);
      await Promise.all([page.waitForNavigation(), page.click("form.stacked-form button[type=submit]")]);
      await page.waitForSelector("#import-progress", { state: "detached", timeout: 10000 }).catch(() => {});
      const count = await axeCheck(page, "import-report (en)");
      console.log(`  ${count === 0 ? "ok  " : "FAIL"} import-report (en)`);
    });
  } finally {
    fs.rmSync(csv, { force: true });
  }
}

async function accountWithoutJavaScript(browser, base) {
  console.log("an account without JavaScript: reminder choices, a new password, the audit log, erasure");
  const options = { javaScriptEnabled: false };
  const newPassword = "a walk along the Leie at dawn";
  await withUser(browser, base, "ghent-viewer", options, async (page) => {
    // How the viewer hears of each kind of reminder: chosen without JavaScript, and kept.
    await page.goto(`${base}/account`);
    await page.selectOption("#delivery-review_waiting", "daily");
    await page.selectOption("#delivery-proposal_activity", "off");
    await Promise.all([page.waitForNavigation(), page.click("form[action='/account/reminders'] button[type=submit]")]);
    check((await page.locator("#reminders [role=status]").count()) === 1, "the reminder choices were not confirmed");
    check((await page.locator("#delivery-review_waiting").inputValue()) === "daily", "the daily digest was not kept");
    check((await page.locator("#delivery-proposal_activity").inputValue()) === "off", "a kind turned off was not kept");
    await page.goto(`${base}/account`);
    await page.fill("#field-password", PASSWORD);
    await page.fill("#field-new_password", newPassword);
    await Promise.all([page.waitForNavigation(), page.click("form[action='/account/password'] button[type=submit]")]);
    check((await page.locator("[role=status]").count()) === 1, `the password change was not confirmed: ${await page.locator("main").innerText()}`);
    await page.goto(`${base}/workspace`);
    check(new URL(page.url()).pathname === "/workspace" && (await page.locator("main h1").count()) === 1, "the workspace still opens");
    check((await page.content()).includes("/login"), "a changed password ends the session");
  });
  const context = await browser.newContext(options);
  const page = await context.newPage();
  try {
    await signIn(page, base, "ghent-viewer", newPassword);
    await page.goto(`${base}/account`);
    await page.fill("#field-erase-password", newPassword);
    await page.check("#field-confirm");
    await Promise.all([page.waitForNavigation(), page.click("form[action='/account/erasure'] button[type=submit]")]);
    check((await page.locator("[role=status]").count()) === 1, `the erasure was not confirmed: ${await page.locator("main").innerText()}`);
    await page.screenshot({ path: path.join(artifacts, "account-erased.png"), fullPage: true });
    await page.goto(`${base}/login`);
    await page.fill("#username", "ghent-viewer");
    await page.fill("#password", newPassword);
    await Promise.all([page.waitForNavigation(), page.click("form.stacked-form button[type=submit]")]);
    check(new URL(page.url()).pathname === "/login", "an erased account no longer signs in");
  } finally {
    await context.close();
  }
  await withUser(browser, base, "coordinator", options, async (page) => {
    await page.goto(`${base}/workspace/audit`);
    const text = await page.locator("main").innerText();
    check((await page.locator(".error-summary").count()) === 0 && (await page.locator("[role=status]").count()) === 1, `the audit log does not verify: ${text}`);
    check(/user\.erased/.test(text), "the erasure is in the audit log");
    await page.screenshot({ path: path.join(artifacts, "audit.png"), fullPage: true });
  });
  console.log(`  ${failures.length === 0 ? "ok  " : "FAIL"} account`);
}

/** The link of the editor's task for an indicator in the workspace, followed. */
async function openTask(page, base, indicator, words) {
  await page.goto(`${base}/workspace`);
  const link = page.locator(`a[href^="/workspace/values/new?indicator=${indicator}&"]`);
  if (!check((await link.count()) === 1, `the workspace has no task link for ${indicator}`)) return false;
  const text = await link.innerText();
  check(text.includes(words), `the task link of ${indicator} says "${text}", not "${words}"`);
  await Promise.all([page.waitForNavigation(), link.click()]);
  return true;
}

async function civilSociety(browser, base, javaScriptEnabled) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";
  console.log(`civil society files a value beside the official one and the city replies (${mode})`);
  const period = javaScriptEnabled ? "2024" : "2023";
  const assessment = `Tenants in private flats pay more (${mode}).`;
  let anchor = "";
  await withUser(browser, base, "ghent-cso", { javaScriptEnabled }, async (page) => {
    await page.goto(`${base}/workspace`);
    const link = page.locator('a[href="/cities/ghent/indicators/RM-HOU-01#file-shadow"]');
    if (!check((await link.count()) === 1, "the civil-society workspace does not lead to the form")) return;
    await Promise.all([page.waitForNavigation(), link.click()]);
    await page.fill("#field-period", period);
    await page.fill("#field-value", "19.5");
    await page.fill("#field-assessment", assessment);
    await Promise.all([page.waitForNavigation(), page.click("#shadow-form button[type=submit]")]);
    check((await page.locator(".error-summary a[href='#field-sources']").count()) === 1, "a missing source is not named next to its field");
    await page.fill("#field-sources", "Tenants' union survey");
    await page.fill("#field-method_note", "Door to door, weighted by tenure");
    await Promise.all([page.waitForNavigation(), page.click("#shadow-form button[type=submit]")]);
    anchor = new URL(page.url()).hash;
    check(/^#shadow-\d+$/.test(anchor), `filing did not lead to the filed value: ${page.url()}`);
    check((await page.locator(`tr${anchor}`).innerText()).includes(assessment), "the filed value is not beside the official one");
    await page.screenshot({ path: path.join(artifacts, `civil-society-filed-${javaScriptEnabled ? "js" : "nojs"}.png`), fullPage: true });
  });
  if (!anchor) return;
  const id = anchor.replace("#shadow-", "");
  const reply = `We will compare both surveys (${mode}).`;
  await withUser(browser, base, "ghent-coordinator", { javaScriptEnabled }, async (page) => {
    await page.goto(`${base}/cities/ghent/indicators/RM-HOU-01`);
    await page.fill(`#field-reply-${id}`, reply);
    await Promise.all([page.waitForNavigation(), page.click(`form[action='/shadow-values/${id}/reply'] button[type=submit]`)]);
    const row = await page.locator(`tr#shadow-${id}`).innerText();
    check(row.includes(assessment) && row.includes(reply), `the reply is not beside the value: ${row}`);
    check((await page.locator(`form[action='/shadow-values/${id}/reply']`).count()) === 0, "the city can reply twice");
  });
  await withUser(browser, base, null, { javaScriptEnabled }, async (page) => {
    await page.goto(`${base}/cities/ghent/indicators/RM-HOU-01`);
    const row = await page.locator(`tr#shadow-${id}`).innerText();
    check(row.includes("19.5") && row.includes(reply), `the public does not see both side by side: ${row}`);
  });
  console.log(`  ${failures.length === 0 ? "ok  " : "FAIL"} civil society (${mode})`);
}

async function draftsAndCorrections(browser, base, javaScriptEnabled) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";
  console.log(`an editor saves a draft, reopens and submits it; a returned value is corrected (${mode})`);
  const indicator = javaScriptEnabled ? "RM-DEM-08" : "RM-SCS-04";
  await withUser(browser, base, "ghent-editor", { javaScriptEnabled }, async (page) => {
    if (!(await openTask(page, base, indicator, "Enter"))) return;
    await page.locator("input[name='value.']").fill("41.5");
    await page.fill("#field-source_name", "City survey");
    await Promise.all([page.waitForNavigation(), page.click("button[value=draft]")]);
    check((await page.locator("[role=status]").innerText()).includes("1 new"), "saving the draft is not confirmed");
    if (!(await openTask(page, base, indicator, "Continue"))) return;
    check((await page.locator("input[name='value.']").inputValue()) === "41.5", "the draft does not open with its value");
    await page.locator("input[name='value.']").fill("42.5");
    await Promise.all([page.waitForNavigation(), page.click("button[value=submit]")]);
    const status = await page.locator("[role=status]").innerText();
    check(status.includes("1 changed") && status.includes("1 submitted"), `the changed draft was not submitted: ${status}`);
  });
  const reason = `The survey's weighted share is 43.5 (${mode}).`;
  await withUser(browser, base, "ghent-coordinator", { javaScriptEnabled }, async (page) => {
    await page.goto(`${base}/workspace/queue`);
    const row = page.locator("tbody tr", { hasText: indicator }).filter({ hasText: "42.5" });
    if (!check((await row.count()) === 1, `the queue shows ${await row.count()} rows for the submitted ${indicator}`)) return;
    await row.locator("input[type=checkbox]").check();
    await page.fill("#field-reason", reason);
    await Promise.all([page.waitForNavigation(), page.click("button[value=return]")]);
    check((await page.locator(".error-summary").count()) === 0, `returning was refused: ${await page.locator("main").innerText()}`);
  });
  await withUser(browser, base, "ghent-editor", { javaScriptEnabled }, async (page) => {
    if (!(await openTask(page, base, indicator, "Correct"))) return;
    check((await page.locator("main").innerText()).includes(reason), "the returned value does not say why");
    await page.locator("input[name='value.']").fill("43.5");
    await page.fill("#field-reason", "Weighted as asked");
    await Promise.all([page.waitForNavigation(), page.click("button[value=submit]")]);
    const status = await page.locator("[role=status]").innerText();
    check(status.includes("1 changed") && status.includes("1 submitted"), `the correction was not submitted: ${status}`);
    await page.screenshot({ path: path.join(artifacts, `corrected-${javaScriptEnabled ? "js" : "nojs"}.png`), fullPage: true });
  });
  console.log(`  ${failures.length === 0 ? "ok  " : "FAIL"} drafts and corrections (${mode})`);
}

async function proposalThroughTheForm(browser, base, javaScriptEnabled) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";
  console.log(`a coordinator proposes a city indicator through the form, civil society endorses, it is adopted (${mode})`);
  const code = javaScriptEnabled ? "GNT-DEM-71" : "GNT-DEM-70";
  let location = "";
  await withUser(browser, base, "ghent-coordinator", { javaScriptEnabled }, async (page) => {
    await page.goto(`${base}/proposals/new?city=ghent`);
    const form = page.locator("#new-indicator");
    await form.locator("select[name=scope]").selectOption("ghent");
    await form.locator("input[name=title]").fill(`Neighbourhood councils (${mode})`);
    await form.locator("textarea[name=rationale]").fill("The city wants to follow its neighbourhood councils.");
    await form.locator("input[name=code]").fill(code);
    await form.locator("input[name='name.en']").fill("Residents who took part in a neighbourhood council");
    await form.locator("textarea[name='definition_text.en']").fill("Share of residents aged 16 or over who attended at least one neighbourhood council in the year.");
    await Promise.all([page.waitForNavigation(), form.locator("button[type=submit]").click()]);
    check((await page.locator(".field-error").count()) > 0, "a proposal without unit, theme or right is not refused next to its fields");
    const again = page.locator("#new-indicator");
    await again.locator("input[name=unit]").fill("%");
    await again.locator("select[name=value_type]").selectOption("percentage");
    await again.locator("#theme-DEMOCRATIC_PARTICIPATION").check();
    await again.locator("select[name='right.0']").selectOption("CFR-39");
    await again.locator("select[name='right_type.0']").selectOption("outcome");
    await again.locator("#breakdown-SEX").check();
    await Promise.all([page.waitForNavigation(), again.locator("button[type=submit]").click()]);
    location = new URL(page.url()).pathname;
    check(/^\/proposals\/\d+$/.test(location), `the proposal was not created: ${await page.locator(".error-summary").allInnerTexts()}`);
  });
  if (!/^\/proposals\/\d+$/.test(location)) return;
  for (const user of ["ghent-cso", "ghent-coordinator"]) {
    await withUser(browser, base, user, { javaScriptEnabled }, async (page) => {
      await page.goto(base + location);
      await Promise.all([page.waitForNavigation(), page.click(`form[action='${location}/endorsements'] button[type=submit]`)]);
      check((await page.locator("main").innerText()).includes("You have endorsed this proposal"), `${user} does not see they endorsed`);
    });
  }
  await withUser(browser, base, "ghent-coordinator", { javaScriptEnabled }, async (page) => {
    await page.goto(base + location);
    await page.fill("#field-reason", "Endorsed by both sides of the working group.");
    await Promise.all([page.waitForNavigation(), page.click(`form[action='${location}/decision'] button[name=outcome][value=accepted]`)]);
    check((await page.locator(".error-summary").count()) === 0, `the decision was refused: ${await page.locator("main").innerText()}`);
    await page.goto(`${base}/indicators/${code}`);
    check((await page.locator("main h1").innerText()).includes("neighbourhood council"), `the adopted indicator ${code} has no page`);
  });
  console.log(`  ${failures.length === 0 ? "ok  " : "FAIL"} proposal through the form (${mode})`);
}

async function organisationAndAssignments(browser, base, javaScriptEnabled) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";
  console.log(`a coordinator adds an organisation and assigns three indicators in one go (${mode})`);
  const name = `Ghent Youth Council (${mode})`;
  await withUser(browser, base, "ghent-coordinator", { javaScriptEnabled }, async (page) => {
    await page.goto(`${base}/workspace/cycles`);
    const name_ = javaScriptEnabled ? "Survey 2019" : "Survey 2018";
    await page.fill("#field-name", name_);
    await page.fill("#field-period", javaScriptEnabled ? "2019" : "2018");
    await page.fill("#field-deadline", javaScriptEnabled ? "2020-03-31" : "2019-03-31");
    await Promise.all([page.waitForNavigation(), page.click("form[method=post][action='/workspace/cycles'] button[type=submit]")]);
    check(/\/workspace\/cycles\/\d+/.test(page.url()), `the cycle was not opened: ${page.url()}`);
    await page.fill("#field-organisation_name", name);
    await page.selectOption("#field-organisation_kind", "cso");
    await Promise.all([page.waitForNavigation(), page.click("form[action$='/organisations'] button[type=submit]")]);
    const boxes = page.locator("input[name=indicator]");
    if (!check((await boxes.count()) >= 3, "fewer than three indicators to assign")) return;
    for (let i = 0; i < 3; i++) await boxes.nth(i).check();
    await page.locator("#field-organisation").selectOption({ label: name });
    await Promise.all([page.waitForNavigation(), page.click("form[action$='/assignments'] button[type=submit]")]);
    check((await page.locator("[role=status]").innerText()).includes("3 indicators assigned"), "three indicators were not assigned in one go");
    check((await page.locator("tbody tr", { hasText: name }).count()) === 3, "the cycle does not list the three assignments");
    await page.screenshot({ path: path.join(artifacts, `assigned-${javaScriptEnabled ? "js" : "nojs"}.png`), fullPage: true });
  });
  console.log(`  ${failures.length === 0 ? "ok  " : "FAIL"} organisation and assignments (${mode})`);
}

async function queueAndOutlier(browser, base, javaScriptEnabled) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";
  console.log(`a validator filters the queue and sees an outlier flag (${mode})`);
  const period = javaScriptEnabled ? "2027" : "2026";
  await withUser(browser, base, "ghent-editor", { javaScriptEnabled }, async (page) => {
    await page.goto(`${base}/workspace/values/new?indicator=RM-GEN-04&area=ghent&period=${period}`);
    await page.locator("input[name='value.']").fill("99");
    await Promise.all([page.waitForNavigation(), page.click("button[value=submit]")]);
  });
  await withUser(browser, base, "ghent-coordinator", { javaScriptEnabled }, async (page) => {
    await page.goto(`${base}/workspace/queue`);
    await page.selectOption("#field-indicator", "RM-GEN-04");
    await page.selectOption("#field-state", "submitted");
    await Promise.all([page.waitForNavigation(), page.click("form.filter-form button[type=submit]")]);
    const rows = page.locator("tbody tr");
    const texts = await rows.allInnerTexts();
    check(texts.length > 0 && texts.every((t) => t.includes("RM-GEN-04")), `the filtered queue shows other indicators: ${texts.length}`);
    const far = rows.filter({ hasText: period });
    check((await far.innerText()).includes("far from the rest of its series"), "the outlier is not flagged in the queue");
    await page.screenshot({ path: path.join(artifacts, `queue-filtered-${javaScriptEnabled ? "js" : "nojs"}.png`), fullPage: true });
  });
  console.log(`  ${failures.length === 0 ? "ok  " : "FAIL"} queue and outlier (${mode})`);
}

async function residentAndNetwork(browser, base, javaScriptEnabled) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";
  console.log(`a resident goes from the home page to a theme of Ghent, a chart and its CSV; who is behind (${mode})`);
  await withUser(browser, base, null, { javaScriptEnabled }, async (page) => {
    await page.goto(`${base}/`);
    await Promise.all([page.waitForNavigation(), page.click("a[href='/cities/ghent']")]);
    await Promise.all([page.waitForNavigation(), page.click("a[href='/cities/ghent/themes/NON_DISCRIMINATION']")]);
    check((await page.locator("main h1").innerText()).includes("Non-discrimination"), "the theme page of Ghent does not open");
    await Promise.all([page.waitForNavigation(), page.click("a[href='/cities/ghent/indicators/RM-NDI-05']")]);
    check((await page.locator("svg.chart").count()) > 0, "the indicator has no chart");
    const csv = await page.locator("a[href$='/values.csv']").first().getAttribute("href");
    const reply = await page.request.get(base + csv);
    check(reply.ok() && (await reply.text()).startsWith("indicator,"), "the chart's CSV does not download");
  });
  await withUser(browser, base, "coordinator", { javaScriptEnabled }, async (page) => {
    await page.goto(`${base}/workspace`);
    await Promise.all([page.waitForNavigation(), page.click("a[href='/reporting']")]);
    const text = await page.locator("main").innerText();
    check(text.includes("Ghent") && /Overdue/.test(text), "the network coordinator does not see who is behind");
    await page.screenshot({ path: path.join(artifacts, `reporting-${javaScriptEnabled ? "js" : "nojs"}.png`), fullPage: true });
  });
  console.log(`  ${failures.length === 0 ? "ok  " : "FAIL"} resident and who is behind (${mode})`);
}

/** The accountability loop: a gap on an indicator page, a consultation recorded by civil society,
 * a recommendation made from it, the city's answer, an action assigned and updated to implemented
 * with evidence, the follow-up indicator's next published value on the recommendation, and the
 * public tracker. Each form is first sent with a mistake, which must come back at its field. */
async function accountabilityLoop(browser, base, javaScriptEnabled) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";
  console.log(`a gap becomes a recommendation, an action and a follow-up value (${mode})`);
  const before = failures.length;
  const options = { javaScriptEnabled };
  const title = `Open a night shelter for women (${mode})`;
  const year = javaScriptEnabled ? "2027" : "2026";
  const value = javaScriptEnabled ? "14.5" : "15.5";
  let recommendationUrl = "";
  await withUser(browser, base, "ghent-cso", options, async (page) => {
    await page.goto(`${base}/cities/ghent/indicators/RM-HOU-01`);
    check((await page.locator('a[href="/recommendations/new?city=ghent&indicator=RM-HOU-01"]').count()) === 1, "the indicator page does not offer a recommendation");
    await page.goto(`${base}/cities/ghent`);
    await Promise.all([page.waitForNavigation(), page.click('a[href="/cities/ghent/consultations"]')]);
    await page.fill("#field-title", `Citizen lab on shelters (${mode})`);
    await page.fill("#field-held_on", "2025-03-14");
    await page.selectOption("#field-format", "citizen_lab");
    await page.fill("#field-participants", "women without a home 18\nvolunteers: 3");
    await page.fill("#field-raised", "Mixed shelters keep women away.");
    await Promise.all([page.waitForNavigation(), page.click("form[method=post][action='/cities/ghent/consultations'] button[type=submit]")]);
    check((await page.locator("#field-participants-error").count()) === 1, "a participants line without a count is not named at its field");
    await page.fill("#field-participants", "women without a home: 18\nvolunteers: 3");
    await Promise.all([page.waitForNavigation(), page.click("form[method=post][action='/cities/ghent/consultations'] button[type=submit]")]);
    check(/\/consultations\/\d+$/.test(page.url()), `recording the consultation did not lead to it: ${page.url()}`);
    const table = await page.locator("main table").innerText();
    check(table.includes("18") && !table.includes("\t3"), `the small group is not withheld: ${table}`);
    await Promise.all([page.waitForNavigation(), page.click("a[href^='/recommendations/new?city=ghent&consultation=']")]);
    await page.fill("#field-title", title);
    await page.fill("#field-made_on", "2025-03-20");
    await page.fill("#field-indicators", "RM-HOU-01");
    await Promise.all([page.waitForNavigation(), page.click("form[method=post][action='/recommendations'] button[type=submit]")]);
    check((await page.locator("#field-rights-error").count()) === 1, "a recommendation without a right or theme is not refused at its field");
    check((await page.locator("#field-title").inputValue()) === title, "the form lost what was typed");
    await page.fill("#field-rights", "CFR-34");
    await Promise.all([page.waitForNavigation(), page.click("form[method=post][action='/recommendations'] button[type=submit]")]);
    recommendationUrl = new URL(page.url()).pathname;
    check(/^\/recommendations\/\d+$/.test(recommendationUrl), `making the recommendation did not lead to it: ${page.url()}`);
    check((await page.locator("p.notice").count()) >= 1, "a new recommendation does not say it is not published");
    check((await page.locator("form[method=post][action$='/actions']").count()) === 0, "civil society is offered the city's action form");
  });
  if (!recommendationUrl) return;
  await withUser(browser, base, null, options, async (page) => {
    const reply = await page.goto(`${base}${recommendationUrl}`);
    check(reply.status() === 404, `an unpublished recommendation is public: ${reply.status()}`);
  });
  let actionId = "";
  await withUser(browser, base, "ghent-coordinator", options, async (page) => {
    await page.goto(`${base}${recommendationUrl}`);
    await page.selectOption("#field-response", "accepted");
    await page.check("#field-published");
    await Promise.all([page.waitForNavigation(), page.click("form[method=post][action$='/response'] button[type=submit]")]);
    await page.fill("#field-title", "Open 20 places for women only");
    await page.fill("#field-deadline", "2025-12-31");
    await Promise.all([page.waitForNavigation(), page.click("form[method=post][action$='/actions'] button[type=submit]")]);
    check((await page.locator("#field-responsible-error").count()) === 1, "an action without someone responsible is not refused at its field");
    await page.fill("#field-responsible", "Social services");
    await Promise.all([page.waitForNavigation(), page.click("form[method=post][action$='/actions'] button[type=submit]")]);
    actionId = new URL(page.url()).hash.replace("#action-", "");
    if (!check(/^\d+$/.test(actionId), `adding the action did not lead to it: ${page.url()}`)) return;
    const form = `form[method=post][action='/actions/${actionId}/updates']`;
    await page.locator(`#action-${actionId} details summary`).click();
    await page.selectOption(`#field-status-${actionId}`, "implemented");
    await page.fill(`#field-on-${actionId}`, "2025-11-20");
    await page.fill(`#field-note-${actionId}`, "The shelter opened with 20 places.");
    await Promise.all([page.waitForNavigation(), page.click(`${form} button[type=submit]`)]);
    check((await page.locator(`#field-evidence-${actionId}[aria-invalid=true]`).count()) === 1, "implemented without evidence is not refused at its field");
    await page.fill(`#field-evidence-${actionId}`, "https://example.org/shelter-opened\nRM-HOU-01");
    await Promise.all([page.waitForNavigation(), page.click(`${form} button[type=submit]`)]);
    const action = await page.locator(`#action-${actionId}`).innerText();
    check(action.includes("2025-11-20") && action.includes("https://example.org/shelter-opened"), `the update is not on the page: ${action}`);
    await page.screenshot({ path: path.join(artifacts, `accountability-action-${javaScriptEnabled ? "js" : "nojs"}.png`), fullPage: true });
  });
  // The follow-up indicator's next value, entered, validated and published as any other.
  await withUser(browser, base, "ghent-editor", options, async (page) => {
    await page.goto(`${base}/workspace/values/new?indicator=RM-HOU-01`);
    await page.selectOption("#field-area", "ghent");
    await page.fill("#field-period", year);
    await page.locator("input[name='value.']").fill(value);
    await page.fill("#field-source_name", `Housing survey ${year}`);
    await Promise.all([page.waitForNavigation(), page.click("button[value=submit]")]);
  });
  await withUser(browser, base, "ghent-coordinator", options, async (page) => {
    for (const action of ["validate", "publish"]) {
      await page.goto(`${base}/workspace/queue`);
      const row = page.locator("tbody tr", { hasText: "RM-HOU-01" }).filter({ hasText: year }).filter({ hasText: value });
      if (!check((await row.count()) === 1, `the queue shows ${await row.count()} rows for the follow-up value (${action})`)) return;
      await row.locator("input[type=checkbox]").check();
      await Promise.all([page.waitForNavigation(), page.click(`button[value=${action}]`)]);
    }
  });
  await withUser(browser, base, null, options, async (page) => {
    await page.goto(`${base}/recommendations?status=implemented&right=CFR-34`);
    const link = page.locator(`a[href="${recommendationUrl}"]`);
    if (!check((await link.count()) === 1, "the tracker does not list the implemented recommendation")) return;
    await Promise.all([page.waitForNavigation(), link.click()]);
    const followUps = await page.locator("main table").first().innerText();
    check(followUps.includes(`(${year})`) && followUps.includes(value), `the follow-up value is not on the recommendation: ${followUps}`);
    // axe runs in the page, so only where JavaScript is on.
    if (javaScriptEnabled) await axeCheck(page, "recommendation after the loop");
    await page.screenshot({ path: path.join(artifacts, `accountability-public-${javaScriptEnabled ? "js" : "nojs"}.png`), fullPage: true });
  });
  // The city report for the cycle, issued by the coordinator from the city's page, lists it; its
  // PDF is read back and its pages kept as images.
  await withUser(browser, base, "ghent-coordinator", options, async (page) => {
    await page.goto(`${base}/cities/ghent`);
    await Promise.all([page.waitForNavigation(), page.click('a[href="/cities/ghent/reports"]')]);
    await Promise.all([page.waitForNavigation(), page.click("form[method=post][action='/cities/ghent/reports'] button[type=submit]")]);
    const reportUrl = new URL(page.url()).pathname;
    if (!check(/^\/reports\/\d+$/.test(reportUrl), `issuing the report did not lead to it: ${page.url()}`)) return;
    const recommendations = await page.locator("section#recommendations").innerText();
    check(recommendations.includes(title), `the city report does not list the recommendation: ${recommendations}`);
    if (javaScriptEnabled) await axeCheck(page, "city report after the loop");
    await page.screenshot({ path: path.join(artifacts, `report-${javaScriptEnabled ? "js" : "nojs"}.png`), fullPage: true });
    const pdf = await page.request.get(`${base}${reportUrl}/report.pdf`);
    if (!check(pdf.ok() && pdf.headers()["content-type"] === "application/pdf", "the report's PDF does not download")) return;
    const file = path.join(artifacts, `report-${javaScriptEnabled ? "js" : "nojs"}.pdf`);
    fs.writeFileSync(file, await pdf.body());
    const text = execFileSync("pdftotext", [file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    check(text.includes(title), "the report's PDF does not list the recommendation");
    execFileSync("pdftoppm", ["-r", "60", "-png", file, file.replace(/\.pdf$/, "-page")]);
    const pages = fs.readdirSync(artifacts).filter((f) => f.startsWith(`report-${javaScriptEnabled ? "js" : "nojs"}-page`) && f.endsWith(".png"));
    check(pages.length >= 1, "the report's PDF pages were not turned into images");
  });
  console.log(`  ${failures.length === before ? "ok  " : "FAIL"} accountability loop (${mode})`);
}

/** Two-sided assessments: civil society gives its verdict on a theme from the city page, first
 * without reasoning (refused at its field), then with it; the coordinator is offered only the
 * municipality's side and answers; the board marks the disagreement. */
async function assessmentsBothSides(browser, base, javaScriptEnabled) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";
  console.log(`civil society and the city assess a theme side by side (${mode})`);
  const before = failures.length;
  const options = { javaScriptEnabled };
  const theme = javaScriptEnabled ? "theme:EDUCATION" : "theme:NON_DISCRIMINATION";
  const reasoning = `Schools still turn children away (${mode}).`;
  const form = "form[method=post][action='/cities/ghent/assessments']";
  await withUser(browser, base, "ghent-cso", options, async (page) => {
    await page.goto(`${base}/cities/ghent`);
    await Promise.all([page.waitForNavigation(), page.click('a[href="/cities/ghent/assessments"]')]);
    const sides = await page.locator("#field-side option").evaluateAll((options) => options.map((o) => o.value));
    check(sides.length === 1 && sides[0].startsWith("organisation:"), `civil society is offered other sides: ${sides}`);
    await page.selectOption("#field-subject", theme);
    await page.check("#field-verdict-insufficient");
    await Promise.all([page.waitForNavigation(), page.click(`${form} button[type=submit]`)]);
    check((await page.locator("#field-reasoning-error").count()) === 1, "an assessment without reasoning is not refused at its field");
    check(await page.locator("#field-verdict-insufficient").isChecked(), "the verdict chosen was lost");
    await page.fill("#field-reasoning", reasoning);
    await Promise.all([page.waitForNavigation(), page.click(`${form} button[type=submit]`)]);
    check((await page.locator("main table").innerText()).includes(reasoning), "the assessment is not on the board");
  });
  await withUser(browser, base, "ghent-coordinator", options, async (page) => {
    await page.goto(`${base}/cities/ghent/assessments`);
    const sides = await page.locator("#field-side option").evaluateAll((options) => options.map((o) => o.value));
    check(sides.length === 1 && sides[0] === "municipality", `the coordinator is offered other sides: ${sides}`);
    await page.selectOption("#field-subject", theme);
    await page.check("#field-verdict-good");
    await page.fill("#field-reasoning", "Every child who applied has a place.");
    await Promise.all([page.waitForNavigation(), page.click(`${form} button[type=submit]`)]);
    const row = page.locator(`tr#${theme.replace(":", "-")}`);
    const text = await row.innerText();
    check(text.includes(reasoning) && text.includes("Every child who applied"), `the two sides are not side by side: ${text}`);
    check(text.includes("The sides disagree"), "the disagreement is not marked");
    if (javaScriptEnabled) await axeCheck(page, "assessments after both sides");
    await page.screenshot({ path: path.join(artifacts, `assessments-${javaScriptEnabled ? "js" : "nojs"}.png`), fullPage: true });
  });
  console.log(`  ${failures.length === before ? "ok  " : "FAIL"} assessments (${mode})`);
}

async function surveyWave(browser, base, javaScriptEnabled) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";
  console.log(`a data editor uploads a survey wave, reads its estimates and submits its value; the coordinator publishes it and deletes the answers; the public page says how certain it is (${mode})`);
  const before = failures.length;
  const options = { javaScriptEnabled };
  const title = `Housing survey (${mode})`;
  let rows = "id,w,block,tenure,safe,comment\n";
  for (let i = 0; i < 120; i++) rows += `P${i},${1 + (i % 3)},${i % 6},${i % 4 === 0 ? "owner" : "tenant"},${i % 3 === 0 ? "no" : "yes"},private words of person ${i}\n`;
  // The wave also gives RM-SAF-01 its value for a year of its own per run.
  const year = javaScriptEnabled ? "2027" : "2026";
  const design =
    'weight = "w"\npsu = "block"\n[[estimate]]\nname = "tenants"\nparameter = "proportion"\nvariable = "tenure"\n' +
    '[[estimate]]\nname = "feels-safe"\nparameter = "proportion"\nvariable = "safe"\nindicator = "RM-SAF-01"\nlevel = "yes"\n';
  const form = "form[method=post][enctype='multipart/form-data']";
  let surveyPath = "";
  await withUser(browser, base, "ghent-editor", options, async (page) => {
    await page.goto(`${base}/workspace`);
    await Promise.all([page.waitForNavigation(), page.click('a[href="/cities/ghent/surveys"]')]);
    await page.fill("#field-title", title);
    await page.fill("#field-period", year);
    await page.setInputFiles("#field-file", { name: "housing.csv", mimeType: "text/csv", buffer: Buffer.from(rows) });
    // First without a design: refused at its field, what was typed kept.
    await Promise.all([page.waitForNavigation(), page.click(`${form} button[type=submit]`)]);
    check((await page.locator("#field-design-error").count()) === 1, `an upload without a design is not refused at its field: ${(await page.locator("main").innerText()).slice(0, 600)}`);
    check((await page.inputValue("#field-title")) === title, "the title typed was lost");
    await page.fill("#field-design", design);
    await page.setInputFiles("#field-file", { name: "housing.csv", mimeType: "text/csv", buffer: Buffer.from(rows) });
    await Promise.all([page.waitForNavigation(), page.click(`${form} button[type=submit]`)]);
    surveyPath = new URL(page.url()).pathname;
    check(/^\/surveys\/\d+$/.test(surveyPath), `the upload did not lead to the survey: ${surveyPath}`);
    const table = await page.locator("main table").innerText();
    check(table.includes("tenant") && table.includes(" to "), `the estimates and their intervals are not shown: ${table}`);
    check(!(await page.content()).includes("private words"), "a respondent's answer is on the page");
    if (javaScriptEnabled) await axeCheck(page, "survey after upload");
    // The wave's draft value of RM-SAF-01, submitted for review from the wave's page.
    await Promise.all([page.waitForNavigation(), page.click(`form[action='${surveyPath}/submission'] button[type=submit]`)]);
    check((await page.locator("#values ~ p.notice, section p.notice").first().innerText()).includes("One value submitted"), "the submission is not said");
  });
  await withUser(browser, base, "ghent-coordinator", options, async (page) => {
    for (const action of ["validate", "publish"]) {
      await page.goto(`${base}/workspace/queue`);
      const row = page.locator("tbody tr", { hasText: "RM-SAF-01" }).filter({ hasText: year });
      if (!check((await row.count()) === 1, `the queue shows ${await row.count()} rows for the wave's value (${action})`)) return;
      await row.locator("input[type=checkbox]").check();
      await Promise.all([page.waitForNavigation(), page.click(`button[value=${action}]`)]);
    }
  });
  await withUser(browser, base, null, options, async (page) => {
    await page.goto(`${base}/cities/ghent/indicators/RM-SAF-01`);
    const notes = await page.locator("ul.survey-notes").innerText();
    check(notes.includes(`${year}: Estimated from the answers of 120 respondents`), `the survey value's uncertainty is not said: ${notes}`);
    check((await page.locator("#withheld-heading").count()) === 1, "the demo wave's withheld values are not on the page");
    if (javaScriptEnabled) await axeCheck(page, "indicator with survey values");
  });
  await withUser(browser, base, "ghent-coordinator", options, async (page) => {
    await page.goto(`${base}${surveyPath}`);
    await Promise.all([page.waitForNavigation(), page.click(`form[action='${surveyPath}/microdata-deletion'] button[type=submit]`)]);
    check((await page.locator("main p.notice").innerText()).includes("deleted"), "the deletion is not said");
    check((await page.locator("main table").innerText()).includes("tenant"), "the estimates went with the answers");
    await page.screenshot({ path: path.join(artifacts, `survey-${javaScriptEnabled ? "js" : "nojs"}.png`), fullPage: true });
  });
  console.log(`  ${failures.length === before ? "ok  " : "FAIL"} survey wave (${mode})`);
}

async function main() {
  if (!fs.existsSync(binary)) throw new Error(`${binary} is missing: build it first (cargo build)`);
  if (!fs.existsSync(browserPath)) throw new Error(`${browserPath} is missing: install Debian's chromium`);
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: browserPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    // RIGHTSMON_BROWSER_ONLY=accountability runs one job alone, while working on it.
    if (process.env.RIGHTSMON_BROWSER_ONLY === "accountability") {
      for (const javaScriptEnabled of [false, true]) {
        await accountabilityLoop(browser, server.base, javaScriptEnabled);
        await assessmentsBothSides(browser, server.base, javaScriptEnabled);
        await surveyWave(browser, server.base, javaScriptEnabled);
      }
      return;
    }
    const types = await pageTypes(server.base);
    await accessibility(browser, server.base, types);
    await withoutJavaScript(browser, server.base, types);
    await walkthrough(browser, server.base);
    await importWithoutJavaScript(browser, server.base);
    await accountWithoutJavaScript(browser, server.base);
    for (const javaScriptEnabled of [false, true]) {
      await civilSociety(browser, server.base, javaScriptEnabled);
      await draftsAndCorrections(browser, server.base, javaScriptEnabled);
      await proposalThroughTheForm(browser, server.base, javaScriptEnabled);
      await organisationAndAssignments(browser, server.base, javaScriptEnabled);
      await queueAndOutlier(browser, server.base, javaScriptEnabled);
      await residentAndNetwork(browser, server.base, javaScriptEnabled);
      await accountabilityLoop(browser, server.base, javaScriptEnabled);
      await assessmentsBothSides(browser, server.base, javaScriptEnabled);
      await surveyWave(browser, server.base, javaScriptEnabled);
    }
  } finally {
    await browser.close();
    server.child.kill();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    console.log(`\n${failures.length} browser check(s) failed:`);
    for (const f of failures) console.log(`  - ${f}`);
    process.exit(1);
  }
  console.log(`\nbrowser tests passed; screenshots in ${path.relative(root, artifacts)}/`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
