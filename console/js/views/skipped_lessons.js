// The lessons an import leaves out (« Séances non importées »), grouped by reason: for each, its number in the
// export, day, time, subject and classes or groups, so the school can find it in EDT/PRONOTE and fix it. The
// whole list also comes as a text file.

import { establishmentPath, getJson } from "../api.js";
import { h, scrollingTable } from "../dom.js";
import { codeSentence, has, t } from "../i18n.js";
import { downloadText } from "../text_download.js";
import { errorPanel } from "./messages.js";

const PAGE = 1000; // the API's largest page: beyond it the text file has the rest

/** The import's lessons not imported (one page), or the error that kept them from coming. */
export async function loadSkippedLessons(uai, importId) {
  try {
    return { page: await getJson(`${establishmentPath(uai, "imports", importId, "skipped-lessons")}?limit=${PAGE}`) };
  } catch (error) {
    if (error.status === 401) throw error;
    return { error };
  }
}

/** `counts`: [{reason, count}] from the summary; `loaded`: what loadSkippedLessons gave (null before). */
export function skippedLessonsSection(uai, importId, counts, loaded) {
  if (!counts.length) return h("p", {}, t("detail.lessons.none"));
  const items = loaded && loaded.page && Array.isArray(loaded.page.items) ? loaded.page.items : [];
  const problems = h("div");
  const more = loaded && loaded.page ? Number(loaded.page.total) - items.length : 0;
  return h(
    "div",
    { id: "lessons-not-imported" },
    counts.map(({ reason, count }) => reasonGroup(reason, count, items.filter((lesson) => lesson.reason === reason))),
    loaded && loaded.error ? listProblem(loaded.error) : null,
    more > 0 ? h("p", { class: "hint" }, t("lessons.more", { count: more })) : null,
    loaded && loaded.page ? downloadButton(uai, importId, problems) : null,
    problems,
  );
}

function downloadButton(uai, importId, problems) {
  const download = () =>
    downloadText(
      establishmentPath(uai, "imports", importId, "skipped-lessons.txt"),
      `seances-non-importees-${uai}-${importId}.txt`,
    ).catch((error) => problems.replaceChildren(errorPanel(error)));
  return h(
    "p",
    {},
    h("button", { type: "button", class: "secondary", id: "download-skipped-lessons", onclick: download }, t("lessons.download")),
  );
}

// An import planned before its list was kept has its counts only: a hint, not an error.
function listProblem(error) {
  if (error.code !== "not_found") return errorPanel(error);
  return h("p", { class: "hint", id: "lessons-not-kept" }, t("lessons.notkept"));
}

function reasonGroup(reason, count, lessons) {
  const title = t("detail.lessons.count", { count, reason: codeSentence("reason", reason, reason) });
  return h(
    "section",
    { class: "lessons-group", "data-reason": reason },
    h("h3", {}, title),
    lessons.length ? lessonTable(title, reason, lessons) : null,
  );
}

function lessonTable(title, reason, lessons) {
  const headers = [t("detail.lesson"), t("lessons.day"), t("lessons.time"), t("lessons.subject"), t("lessons.audience")];
  return scrollingTable(
    title,
    h(
      "table",
      { class: "choices", id: `lessons-${reason}` },
      h("caption", { class: "visually-hidden" }, title),
      h("thead", {}, h("tr", {}, headers.map((text) => h("th", { scope: "col" }, text)))),
      h(
        "tbody",
        {},
        lessons.map((lesson) =>
          h(
            "tr",
            { "data-lesson": lesson.lesson },
            h("th", { scope: "row" }, t("lessons.number", { number: lesson.lesson })),
            h("td", {}, dayName(lesson.day)),
            h("td", {}, lesson.start || t("lessons.place", { place: lesson.place })),
            h("td", {}, subjectText(lesson.subject || {})),
            h("td", {}, audienceText(lesson)),
          ),
        ),
      ),
    ),
  );
}

function dayName(day) {
  const key = `lessons.day.${day}`;
  return has(key) ? t(key) : String(day);
}

function subjectText(subject) {
  if (!subject.code && !subject.label) return t("lessons.subject.unknown", { ident: subject.ident });
  return [subject.label, subject.code ? `(${subject.code})` : null].filter(Boolean).join(" ");
}

function audienceText(lesson) {
  const parts = (lesson.class_parts || []).map((part) =>
    t("lessons.part", { ident: part.ident, name: part.class_name || t("lessons.part.unknown") }),
  );
  const names = [...(lesson.classes || []), ...(lesson.groups || []), ...parts];
  const pupils = lesson.students ? [t("lessons.students", { count: lesson.students })] : [];
  const all = [...names, ...pupils];
  return all.length ? all.join(", ") : t("lessons.nobody");
}
