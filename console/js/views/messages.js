// Errors as a sentence and a code, never a blank screen or a raw body.

import { h } from "../dom.js";
import { codeSentence, t } from "../i18n.js";

export function errorPanel(error, { onRetry } = {}) {
  const code = error && error.code ? error.code : "internal_error";
  const sentence = codeSentence("err", code, error && error.message);
  return h(
    "div",
    { class: "alert alert-error", role: "alert", "data-error-code": code },
    h("p", { class: "alert-sentence" }, sentence),
    h("p", { class: "alert-code" }, t("error.code", { code })),
    onRetry ? h("button", { type: "button", class: "secondary", onclick: onRetry }, t("error.retry")) : null,
  );
}

export function notice(text, kind = "info") {
  return h("div", { class: `alert alert-${kind}`, role: "status" }, h("p", {}, text));
}

export function loading() {
  return h("p", { class: "loading", role: "status" }, t("loading"));
}

/** The page's heading, focused after a navigation so that screen readers announce the new screen. */
export function heading(text) {
  return h("h1", { tabindex: "-1", id: "page-title" }, text);
}
