// The manual import's screens, in the guide's order: the UAI check, subjects, classes, groups, courses,
// users, then the launch. Choices stay in the page (SelectionDraft) until « Valider » sends them.

import { establishmentPath, getJson, sendJson } from "../api.js";
import { h, scrollingTable } from "../dom.js";
import { codeSentence, t } from "../i18n.js";
import * as facts from "../import_facts.js";
import { SelectionDraft, draftFor, keepDraft } from "../selection_draft.js";
import { downloadUnmatched } from "../unmatched.js";
import { errorPanel, heading, notice } from "./messages.js";

export const WIZARD_STEPS = ["summary", "subjects", "classes", "groups", "courses", "users"];

const SCREENS = {
  summary: summaryScreen,
  subjects: subjectsScreen,
  classes: (ctx, id) => audienceScreen(ctx, id, "classes"),
  groups: (ctx, id) => audienceScreen(ctx, id, "groups"),
  courses: coursesScreen,
  users: usersScreen,
};

export async function wizardScreen(ctx, importId, step) {
  const screen = SCREENS[step];
  if (!screen) {
    ctx.navigate(`/${ctx.uai}/imports/${importId}/summary`, { replace: true });
    return;
  }
  await screen(ctx, importId);
}

function selectionPath(ctx, importId) {
  return establishmentPath(ctx.uai, "imports", importId, "selection");
}

async function loadDraft(ctx, importId) {
  return draftFor(importId) || keepDraft(importId, new SelectionDraft(await getJson(selectionPath(ctx, importId))));
}

function stepper(ctx, importId, current) {
  const index = WIZARD_STEPS.indexOf(current);
  return h(
    "nav",
    { class: "steps", "aria-label": t("steps.label") },
    h(
      "ol",
      {},
      WIZARD_STEPS.map((step, i) => {
        const label = `${i + 1}. ${t(`step.${step}`)}`;
        if (i === index) return h("li", { class: "step-current", "aria-current": "step" }, label);
        if (i < index) return h("li", {}, h("a", { href: `#/${ctx.uai}/imports/${importId}/${step}` }, label));
        return h("li", { class: "step-later" }, label);
      }),
    ),
  );
}

function go(ctx, importId, step) {
  ctx.navigate(`/${ctx.uai}/imports/${importId}/${step}`);
}

function footer(ctx, importId, step, { nextLabel = t("next"), onNext } = {}) {
  const index = WIZARD_STEPS.indexOf(step);
  const problems = h("div", { class: "step-problems" });
  const next = h(
    "button",
    {
      type: "button",
      class: "primary",
      onclick: async () => {
        next.disabled = true;
        problems.replaceChildren();
        try {
          if (onNext) await onNext();
          else go(ctx, importId, WIZARD_STEPS[index + 1]);
        } catch (error) {
          if (error.status === 401) ctx.fail(error);
          else problems.replaceChildren(errorPanel(error));
        } finally {
          next.disabled = false;
        }
      },
    },
    nextLabel,
  );
  const previous =
    index > 0
      ? h("button", { type: "button", class: "secondary", onclick: () => go(ctx, importId, WIZARD_STEPS[index - 1]) }, t("previous"))
      : null;
  return h("div", { class: "wizard-footer" }, problems, h("div", { class: "actions" }, previous, next));
}

// 2. The UAI summary.
async function summaryScreen(ctx, importId) {
  const doc = await getJson(establishmentPath(ctx.uai, "imports", importId));
  const check = facts.uaiCheck(doc, ctx.uai);
  const rows = [
    [t("summary.uai"), uaiText(check)],
    [t("summary.software"), facts.software(doc) || "—"],
    [t("summary.year"), facts.schoolYear(doc) || "—"],
  ];
  ctx.show(
    stepper(ctx, importId, "summary"),
    heading(t("summary.title")),
    h("dl", { class: "facts", id: "uai-summary" }, rows.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])),
    h("h2", {}, t("summary.warnings")),
    warningList(facts.warnings(doc), facts.warningsLeftOut(doc)),
    footer(ctx, importId, "summary"),
  );
}

/** The recognised teachers and students and the unrecognised accounts, as a list of facts. */
export function accountCounts(id, { teachers, students, unmatched }) {
  return h(
    "dl",
    { class: "facts", id },
    h("dt", {}, t("users.teachers")),
    h("dd", {}, String(teachers)),
    h("dt", {}, t("users.students")),
    h("dd", {}, String(students)),
    h("dt", {}, t("users.unmatched")),
    h("dd", {}, String(unmatched)),
  );
}

/** The button fetching the unrecognised accounts' text file; a failure shows in `problems`. */
export function downloadUnmatchedButton(uai, importId, problems) {
  return h(
    "button",
    {
      type: "button",
      class: "secondary",
      id: "download-unmatched",
      onclick: () => downloadUnmatched(uai, importId).catch((error) => problems.replaceChildren(errorPanel(error))),
    },
    t("users.download"),
  );
}

export function uaiText(check) {
  if (check.status === "ok") return t("summary.uai.ok", { uai: check.found });
  if (check.status === "mismatch") return t("summary.uai.other", check);
  return `${check.expected} — ${t("summary.uai.pending")}`;
}

export function warningList(warnings, leftOut = 0) {
  if (!warnings.length) return h("p", {}, t("summary.nowarning"));
  return [
    h(
      "ul",
      { class: "warnings", id: "warnings" },
      warnings.map((w) => {
        const label = codeSentence("warning", w.code, w.message);
        return h("li", {}, w.count > 1 ? t("warning.count", { label, count: w.count }) : label, " (", h("code", {}, w.code), ")");
      }),
    ),
    leftOut ? h("p", { class: "hint" }, t("summary.more.warnings", { count: leftOut })) : null,
  ];
}

// 3. Subjects: recognised green, unknown white (« Ajouter »), disabled red (« Désactiver » / re-enable).
async function subjectsScreen(ctx, importId) {
  const draft = await loadDraft(ctx, importId);
  const tbody = h("tbody");
  const render = () => {
    tbody.replaceChildren(...draft.subjects.map((subject) => subjectRow(draft, subject, render)));
  };
  render();
  const table = h(
    "table",
    { class: "choices", id: "subjects" },
    h("caption", { class: "visually-hidden" }, t("subjects.title")),
    h(
      "thead",
      {},
      h("tr", {}, [t("subjects.code"), t("subjects.label"), t("subjects.state"), t("subjects.actions")].map((c) => h("th", { scope: "col" }, c))),
    ),
    tbody,
  );
  ctx.show(
    stepper(ctx, importId, "subjects"),
    heading(t("subjects.title")),
    h("p", {}, t("subjects.intro")),
    scrollingTable(t("subjects.title"), table),
    footer(ctx, importId, "subjects"),
  );
}

const ROW_CLASS = { recognised: "row-on", added: "row-on", unknown: "row-unknown", disabled: "row-off" };

function subjectRow(draft, subject, render) {
  const state = draft.subjectState(subject);
  const act = (label, action, onclick) =>
    h(
      "button",
      { type: "button", class: "small", "data-action": action, "aria-label": t("action.on", { action: label, name: subject.label }), onclick },
      label,
    );
  const buttons = [];
  if (state === "unknown") {
    buttons.push(
      act(t("add"), "add", () => {
        draft.added.add(subject.code);
        refocus(render, subject.code, "disable");
      }),
    );
  }
  if (state === "disabled") {
    buttons.push(
      act(t("enable"), "enable", () => {
        draft.toggle("subjects", subject.code, true);
        refocus(render, subject.code, "disable");
      }),
    );
  } else {
    buttons.push(
      act(t("disable"), "disable", () => {
        draft.toggle("subjects", subject.code, false);
        refocus(render, subject.code, "enable");
      }),
    );
  }
  return h(
    "tr",
    { class: ROW_CLASS[state], "data-code": subject.code, "data-state": state },
    h("td", {}, h("code", {}, subject.code)),
    h("th", { scope: "row" }, subject.label),
    h("td", { class: "state" }, stateBadge(state, t(`subject.${state}`))),
    h("td", { class: "row-actions" }, buttons),
  );
}

/** Re-render a list and put the focus back on the row's new button, so keyboard users keep their place. */
function refocus(render, name, action) {
  render();
  const row = document.querySelector(`tr[data-code="${CSS.escape(name)}"], tr[data-name="${CSS.escape(name)}"]`);
  const button = row && (row.querySelector(`button[data-action="${action}"]`) || row.querySelector("button"));
  if (button) button.focus();
}

function stateBadge(state, text) {
  const symbol = state === "disabled" || state === "off" ? "✕" : state === "unknown" ? "?" : "✓";
  return h("span", { class: `badge badge-${state}` }, h("span", { "aria-hidden": "true" }, symbol, " "), text);
}

// 4. Classes, then groups: green/red, « Tout activer », « Tout désactiver ».
async function audienceScreen(ctx, importId, listName) {
  const draft = await loadDraft(ctx, importId);
  const items = draft[listName];
  const tbody = h("tbody");
  const tally = h("p", { class: "tally", role: "status" });
  const render = () => {
    tbody.replaceChildren(...items.map((item) => audienceRow(draft, listName, item.name, render)));
    const enabled = items.filter((item) => !draft.disabled[listName].has(item.name)).length;
    tally.textContent = t("list.count", { enabled, total: items.length });
  };
  render();
  const names = items.map((item) => item.name);
  const bulk = h(
    "div",
    { class: "actions bulk" },
    h("button", { type: "button", class: "secondary", onclick: () => { draft.setAll(listName, names, true); render(); } }, t("enable.all")),
    h("button", { type: "button", class: "secondary", onclick: () => { draft.setAll(listName, names, false); render(); } }, t("disable.all")),
  );
  const title = t(`${listName}.title`);
  const table = h(
    "table",
    { class: "choices", id: listName },
    h("caption", { class: "visually-hidden" }, title),
    h("thead", {}, h("tr", {}, [t("audience.name"), t("subjects.state"), t("subjects.actions")].map((c) => h("th", { scope: "col" }, c)))),
    tbody,
  );
  const onNext =
    listName === "groups"
      ? async () => {
          // The courses follow from the subjects, classes and groups chosen: let the API derive them again.
          draft.take(await sendJson("PUT", selectionPath(ctx, importId), draft.body()));
          draft.added.clear(); // in the referential now
          go(ctx, importId, "courses");
        }
      : null;
  ctx.show(
    stepper(ctx, importId, listName),
    heading(title),
    h("p", {}, t("audience.intro")),
    items.length ? [bulk, tally, scrollingTable(title, table)] : h("p", {}, t("audience.none")),
    footer(ctx, importId, listName, { onNext }),
  );
}

function audienceRow(draft, listName, name, render) {
  const enabled = !draft.disabled[listName].has(name);
  const label = enabled ? t("disable") : t("enable");
  return h(
    "tr",
    { class: enabled ? "row-on" : "row-off", "data-name": name, "data-state": enabled ? "on" : "off" },
    h("th", { scope: "row" }, name),
    h("td", { class: "state" }, stateBadge(enabled ? "on" : "off", enabled ? t("enabled") : t("disabled"))),
    h(
      "td",
      { class: "row-actions" },
      h(
        "button",
        {
          type: "button",
          class: "small",
          "aria-label": t("action.on", { action: label, name }),
          onclick: () => {
            draft.toggle(listName, name, !enabled);
            refocus(render, name);
          },
        },
        label,
      ),
    ),
  );
}

// 5. Courses: subject × class or group, member counts; each can be disabled; « Valider ».
async function coursesScreen(ctx, importId) {
  const draft = await loadDraft(ctx, importId);
  const tbody = h("tbody");
  const tally = h("p", { class: "tally", role: "status" });
  const render = () => {
    tbody.replaceChildren(...draft.courses.map((course) => courseRow(draft, course, render)));
    const enabled = draft.courses.filter((course) => draft.courseEnabled(course)).length;
    tally.textContent = t("list.count", { enabled, total: draft.courses.length });
  };
  render();
  const table = h(
    "table",
    { class: "choices", id: "courses" },
    h("caption", { class: "visually-hidden" }, t("courses.title")),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        [t("courses.course"), t("courses.teachers"), t("courses.students"), t("subjects.state"), t("subjects.actions")].map((c, i) =>
          h("th", { scope: "col", class: i === 1 || i === 2 ? "number" : null }, c),
        ),
      ),
    ),
    tbody,
  );
  ctx.show(
    stepper(ctx, importId, "courses"),
    heading(t("courses.title")),
    h("p", {}, t("courses.intro")),
    tally,
    scrollingTable(t("courses.title"), table),
    footer(ctx, importId, "courses", {
      nextLabel: t("validate"),
      onNext: async () => {
        draft.take(await sendJson("PUT", selectionPath(ctx, importId), draft.body()));
        draft.added.clear();
        go(ctx, importId, "users");
      },
    }),
  );
}

function courseRow(draft, course, render) {
  const implied = draft.impliedOff(course);
  const enabled = draft.courseEnabled(course);
  const label = enabled ? t("disable") : t("enable");
  const stateText = implied ? t("courses.implied") : enabled ? t("enabled") : t("disabled");
  return h(
    "tr",
    {
      class: enabled ? "row-on" : "row-off",
      "data-name": course.key,
      "data-subject": course.subject,
      "data-state": enabled ? "on" : "off",
    },
    h("th", { scope: "row" }, course.title),
    h("td", { class: "number" }, course.teachers ?? "—"),
    h("td", { class: "number" }, course.students ?? "—"),
    h("td", { class: "state" }, stateBadge(enabled ? "on" : "off", stateText)),
    h(
      "td",
      { class: "row-actions" },
      implied
        ? null
        : h(
            "button",
            {
              type: "button",
              class: "small",
              "aria-label": t("action.on", { action: label, name: course.title }),
              onclick: () => {
                draft.toggle("courses", course.key, !enabled);
                refocus(render, course.key);
              },
            },
            label,
          ),
    ),
  );
}

// 6. Users: recognised counts, unrecognised in red with the reason, the text file; then the launch.
async function usersScreen(ctx, importId) {
  const [draft, doc] = await Promise.all([loadDraft(ctx, importId), getJson(establishmentPath(ctx.uai, "imports", importId))]);
  const people = draft.users.map(personOf);
  const unmatched = people.filter((p) => !p.matched);
  const known = facts.accounts(doc);
  const countOf = (role) => people.filter((p) => p.matched && p.role === role).length;
  const teachers = people.length ? countOf("teacher") : known ? known.teachers : 0;
  const students = people.length ? countOf("student") : known ? known.students : 0;
  const unmatchedCount = people.length ? unmatched.length : known ? known.unmatched : 0;
  const problems = h("div");
  const counts = accountCounts("user-counts", { teachers, students, unmatched: unmatchedCount });
  const download = downloadUnmatchedButton(ctx.uai, importId, problems);
  const list = unmatched.length
    ? scrollingTable(
        t("users.unmatched"),
        h(
          "table",
          { class: "choices", id: "unmatched" },
          h("caption", { class: "visually-hidden" }, t("users.unmatched")),
          h("thead", {}, h("tr", {}, [t("users.role"), t("users.name"), t("users.reason")].map((c) => h("th", { scope: "col" }, c)))),
          h(
            "tbody",
            {},
            unmatched.map((p) =>
              h(
                "tr",
                { class: "row-off" },
                h("td", {}, p.role ? codeSentence("role", p.role, p.role) : "—"),
                h("th", { scope: "row" }, p.name),
                h("td", {}, stateBadge("disabled", codeSentence("reason", p.reason, p.reason))),
              ),
            ),
          ),
        ),
      )
    : unmatchedCount
      ? null
      : h("p", {}, t("users.none"));
  const rekeyed = draft.users.filter((user) => user.rekey).map(personOf);
  ctx.show(
    stepper(ctx, importId, "users"),
    heading(t("users.title")),
    h("p", {}, t("users.intro")),
    rekeyed.length ? rekeyPanel(ctx, importId, rekeyed, facts.rekeysConfirmed(doc)) : null,
    counts,
    unmatchedCount ? h("p", {}, download) : null,
    problems,
    list,
    footer(ctx, importId, "users", {
      nextLabel: t("users.launch"),
      onNext: async () => {
        await sendJson("POST", establishmentPath(ctx.uai, "imports", importId, "launch"), {});
        ctx.navigate(`/${ctx.uai}/history`);
      },
    }),
  );
}

/** People known under another Pronote id (Pronote reinstalled): confirmed here, before the launch, once. */
function rekeyPanel(ctx, importId, people, confirmed) {
  const outcome = h("div");
  const done = () => h("p", { id: "rekey-state" }, `✓ ${t("rekey.already")}`);
  const button = h(
    "button",
    {
      type: "button",
      class: "primary",
      id: "confirm-rekey",
      onclick: async () => {
        button.disabled = true;
        try {
          await sendJson("POST", establishmentPath(ctx.uai, "imports", importId, "confirm-rekey"), {});
          button.replaceWith(done());
          outcome.replaceChildren(notice(t("rekey.confirmed"), "success"));
        } catch (error) {
          button.disabled = false;
          if (error.status === 401) ctx.fail(error);
          else outcome.replaceChildren(errorPanel(error));
        }
      },
    },
    t("rekey.confirm"),
  );
  return h(
    "section",
    { class: "panel panel-warn", id: "rekey-panel", "aria-labelledby": "rekey-title" },
    h("h2", { id: "rekey-title" }, t("rekey.title")),
    h("p", {}, t("rekey.intro")),
    h("p", {}, t("rekey.count", { count: people.length })),
    h("ul", {}, people.map((p) => h("li", {}, `${p.name} (${codeSentence("role", p.role, p.role)})`))),
    confirmed ? done() : button,
    outcome,
  );
}

function personOf(user) {
  const name = user.name || [user.last_name, user.first_name].filter(Boolean).join(" ");
  const matched = typeof user.matched === "boolean" ? user.matched : !user.reason;
  return { role: user.role || "", name, matched, reason: user.reason || "" };
}

