// One import's summary (« récapitulatif »): status, queue position, actions that succeeded and failed per
// kind, accounts, lessons not imported with their reason, warnings; a held import's approval and an
// IDPN re-keying's confirmation. Refreshes by itself while the import runs.

import { establishmentPath, getJson, sendJson } from "../api.js";
import { h, scrollingTable } from "../dom.js";
import { codeSentence, formatBytes, formatDateTime, statusLabel, t } from "../i18n.js";
import * as facts from "../import_facts.js";
import { statusBadge } from "./history.js";
import { errorPanel, heading, notice } from "./messages.js";
import { loadSkippedLessons, skippedLessonsSection } from "./skipped_lessons.js";
import { accountCounts, downloadUnmatchedButton, uaiText, warningList } from "./wizard.js";

const REFRESH_MS = 2000;

export async function importDetailScreen(ctx, importId) {
  const path = establishmentPath(ctx.uai, "imports", importId);
  let timer = null;
  let message = null; // what the last action (approve, confirm) did, kept across refreshes
  let lessons = null; // the lessons not imported, fetched once per set of counts (not at each refresh)
  ctx.onLeave(() => clearTimeout(timer));

  const act = async (button, suffix, done, body) => {
    button.disabled = true;
    try {
      await sendJson("POST", `${path}/${suffix}`, body);
      message = notice(t(done), "success");
      await show();
    } catch (error) {
      if (error.status === 401) ctx.fail(error);
      else {
        message = errorPanel(error);
        await show();
      }
    }
  };

  const show = async () => {
    clearTimeout(timer);
    const doc = await getJson(path);
    const counts = JSON.stringify(facts.lessonsNotImported(doc));
    if (counts !== "[]" && (!lessons || lessons.counts !== counts)) {
      lessons = { counts, loaded: await loadSkippedLessons(ctx.uai, importId) };
    }
    ctx.show(...detailView(ctx, importId, doc, { message, act, lessons: lessons && lessons.loaded }));
    if (ctx.active && facts.RUNNING.has(doc.status)) {
      timer = setTimeout(() => show().catch(ctx.fail), REFRESH_MS);
    }
  };
  await show();
}

function detailView(ctx, importId, doc, { message, act, lessons }) {
  const when = formatDateTime(doc.created_at);
  const label = statusLabel(doc.status, doc.status_label);
  const rows = [[t("detail.status"), statusBadge(doc.status, label)], [t("history.kind"), t(`kind.${doc.kind}`)]];
  if (doc.queue_position) rows.push([t("detail.queue"), t("queue.position", { position: doc.queue_position })]);
  if (doc.finished_at) rows.push([t("detail.finished"), formatDateTime(doc.finished_at)]);
  const late = facts.lateUpload(doc);
  if (late) {
    const received = { date: formatDateTime(late.receivedAt), size: formatBytes(late.sizeBytes) };
    rows.push([t("detail.late"), h("span", { id: "late-upload" }, t("detail.late.text", received))]);
  }
  const software = facts.software(doc);
  if (software) rows.push([t("summary.software"), software]);
  const plan = doc.plan && typeof doc.plan === "object" ? doc.plan : null;
  if (plan && typeof plan.courses === "number") rows.push([t("detail.courses"), String(plan.courses)]);
  rows.push([t("summary.uai"), uaiText(facts.uaiCheck(doc, ctx.uai))]);
  const error = facts.errorOf(doc);
  const counts = facts.actionCounts(doc);
  const totals = facts.totals(doc);
  return [
    h("p", {}, h("a", { href: `#/${ctx.uai}/history` }, t("back.history"))),
    heading(t("detail.title", { date: when })),
    message,
    error ? errorPanel(error) : null,
    h("dl", { class: "facts", id: "import-facts" }, rows.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])),
    doc.status === "awaiting_selection"
      ? h("p", {}, h("a", { class: "button primary", href: `#/${ctx.uai}/imports/${importId}/summary` }, t("detail.resume")))
      : null,
    heldPanel(doc, act),
    rekeyPanel(doc, act),
    h("h2", {}, t("detail.actions")),
    counts.length ? actionTable(counts) : h("p", {}, t("detail.noactions")),
    totals.failed ? h("p", { class: "hint" }, t("detail.contact")) : null,
    accountsSection(ctx, importId, doc),
    h("h2", {}, t("detail.lessons")),
    doc.lessons_not_imported
      ? skippedLessonsSection(ctx.uai, importId, facts.lessonsNotImported(doc), lessons)
      : h("p", { id: "lessons-unknown" }, t(facts.RUNNING.has(doc.status) ? "detail.lessons.pending" : "detail.lessons.unread")),
    h("h2", {}, t("detail.warnings")),
    warningList(facts.warnings(doc), facts.warningsLeftOut(doc)),
  ];
}

function actionTable(counts) {
  const showSkipped = counts.some((row) => row.skipped);
  const headers = [t("detail.kind"), t("detail.succeeded"), t("detail.failed"), showSkipped ? t("detail.skipped") : null].filter(Boolean);
  return scrollingTable(
    t("detail.actions"),
    h(
      "table",
      { class: "counts", id: "action-counts" },
      h("caption", { class: "visually-hidden" }, t("detail.actions")),
      h("thead", {}, h("tr", {}, headers.map((text, i) => h("th", { scope: "col", class: i ? "number" : null }, text)))),
      h(
        "tbody",
        {},
        counts.map((row) =>
          h(
            "tr",
            { "data-type": row.type },
            h("th", { scope: "row" }, codeSentence("action", row.type, row.type)),
            h("td", { class: "number" }, String(row.succeeded)),
            h("td", { class: `number${row.failed ? " has-errors" : ""}` }, String(row.failed)),
            showSkipped ? h("td", { class: "number" }, String(row.skipped)) : null,
          ),
        ),
      ),
    ),
  );
}

function accountsSection(ctx, importId, doc) {
  const accounts = facts.accounts(doc);
  if (!accounts) return null;
  const problems = h("div");
  return [
    h("h2", {}, t("detail.accounts")),
    accountCounts("account-counts", accounts),
    accounts.unmatched ? h("p", {}, downloadUnmatchedButton(ctx.uai, importId, problems)) : null,
    problems,
  ];
}

const HOLD_KINDS = ["courses", "members", "events"];

function heldPanel(doc, act) {
  const held = facts.hold(doc);
  if (doc.status !== "held" || !held) return null;
  const button = h("button", { type: "button", class: "primary", id: "approve-import" }, t("held.approve"));
  button.addEventListener("click", () => act(button, "approve", "held.approved", held.approval ? { code: held.approval } : {}));
  const figures = HOLD_KINDS.filter((kind) => `${kind}_deleted` in held.figures).map((kind) =>
    h("li", {}, t(`held.${kind}`, { deleted: held.figures[`${kind}_deleted`], before: held.figures[`${kind}_before`] ?? "—" })),
  );
  const more = held.coursesCount - held.courses.length;
  return h(
    "section",
    { class: "panel panel-warn", id: "held-panel", "aria-labelledby": "held-title" },
    h("h2", { id: "held-title" }, t("held.title")),
    h("p", {}, t("held.intro")),
    h("p", {}, t("held.reasons")),
    h("ul", {}, held.reasons.map((reason) => h("li", {}, codeSentence("hold", reason, reason), " (", h("code", {}, reason), ")"))),
    figures.length ? [h("p", {}, t("held.deletions")), h("ul", { id: "held-figures" }, figures)] : null,
    held.courses.length
      ? [
          h("p", {}, t("held.course.list")),
          h("ul", { class: "deleted-courses", id: "held-courses" }, held.courses.map((course) => h("li", {}, course.title))),
          more > 0 ? h("p", { class: "hint" }, t("held.more", { count: more })) : null,
        ]
      : null,
    button,
  );
}

function rekeyPanel(doc, act) {
  const count = facts.rekeys(doc);
  if (!count) return null;
  const confirmed = facts.rekeysConfirmed(doc);
  const button = h("button", { type: "button", class: "primary", id: "confirm-rekey" }, t("rekey.confirm"));
  button.addEventListener("click", () => act(button, "confirm-rekey", "rekey.confirmed", {}));
  return h(
    "section",
    { class: "panel panel-warn", id: "rekey-panel", "aria-labelledby": "rekey-title" },
    h("h2", { id: "rekey-title" }, t("rekey.title")),
    h("p", {}, t("rekey.intro")),
    h("p", {}, t("rekey.count", { count })),
    confirmed ? h("p", { id: "rekey-state" }, `✓ ${t("rekey.already")}`) : button,
  );
}
