// The automatic-import settings (enabled, first run, interval, imports per day) and, until a manual import
// has completed, why automatic imports are refused.

import { establishmentPath, getJson, sendJson } from "../api.js";
import { h } from "../dom.js";
import { codeSentence, t } from "../i18n.js";
import { errorPanel, heading, notice } from "./messages.js";

const COMPLETED = new Set(["done", "done_with_errors"]);

export async function autoImportScreen(ctx) {
  const path = establishmentPath(ctx.uai, "auto-import");
  const [settings, history] = await Promise.all([getJson(path), getJson(establishmentPath(ctx.uai, "imports"))]);
  const outcome = h("div", { id: "auto-import-outcome" });

  const enabled = h("input", { type: "checkbox", id: "auto-enabled", name: "enabled", checked: Boolean(settings.enabled) });
  const firstRun = h("input", { type: "time", id: "auto-first-run", name: "first_run", value: settings.first_run || "08:00", required: true });
  const interval = h("input", {
    type: "number",
    id: "auto-interval",
    name: "interval_hours",
    min: "4",
    max: "24",
    step: "1",
    required: true,
    value: String(settings.interval_hours ?? 4),
  });
  const perDay = h("input", {
    type: "number",
    id: "auto-per-day",
    name: "max_per_day",
    min: "1",
    max: "4",
    step: "1",
    required: true,
    value: String(settings.max_per_day ?? 4),
  });
  const save = h("button", { type: "submit", class: "primary" }, t("auto.save"));
  const form = h(
    "form",
    {
      class: "settings",
      id: "auto-import-form",
      onsubmit: async (event) => {
        event.preventDefault();
        if (!form.reportValidity()) return;
        save.disabled = true;
        outcome.replaceChildren();
        try {
          const saved = await sendJson("PUT", path, {
            enabled: enabled.checked,
            first_run: firstRun.value,
            interval_hours: Number(interval.value),
            max_per_day: Number(perDay.value),
          });
          if (saved && typeof saved === "object" && "enabled" in saved) enabled.checked = Boolean(saved.enabled);
          outcome.replaceChildren(notice(t("auto.saved"), "success"));
        } catch (error) {
          if (error.status === 401) ctx.fail(error);
          else outcome.replaceChildren(errorPanel(error));
        } finally {
          save.disabled = false;
        }
      },
    },
    h("div", { class: "field field-check" }, enabled, h("label", { for: "auto-enabled" }, t("auto.enabled"))),
    field("auto-first-run", t("auto.first"), firstRun),
    field("auto-interval", t("auto.interval"), interval),
    field("auto-per-day", t("auto.perday"), perDay),
    h("div", { class: "actions" }, save),
  );
  ctx.show(heading(t("auto.title")), refusal(settings, history), h("p", {}, t("auto.intro")), form, outcome);
}

function field(id, label, input) {
  return h("div", { class: "field" }, h("label", { for: id, class: "field-label" }, label), input);
}

/** Why automatic imports are refused: the API's reason when it gives one, else the absence of a completed manual import. */
function refusal(settings, history) {
  const reason = settings.refusal || settings.refused || settings.refused_reason;
  if (reason && typeof reason === "object" && reason.code) {
    return h(
      "div",
      { class: "alert alert-warn", id: "auto-import-status", role: "status", "data-error-code": reason.code },
      h("p", {}, t("auto.refused", { reason: codeSentence("err", reason.code, reason.message) })),
      h("p", { class: "alert-code" }, t("error.code", { code: reason.code })),
    );
  }
  const items = Array.isArray(history.items) ? history.items : [];
  const completed = settings.manual_import_completed ?? items.some((item) => item.kind === "manual" && COMPLETED.has(item.status));
  if (!completed) {
    return h(
      "div",
      { class: "alert alert-warn", id: "auto-import-status", role: "status" },
      h("p", {}, t("auto.refused", { reason: t("auto.refused.nomanual") })),
    );
  }
  return h("div", { class: "alert alert-info", id: "auto-import-status", role: "status" }, h("p", {}, t("auto.allowed")));
}
